import type { RosNode } from '../../src/camera/ros-node.js';
import type { DisplayContext } from '../../src/display/display.js';
import { Figures } from '../../src/figures.js';
import { readParams } from '../../src/params.js';
import { captureLog } from './log.js';

/**
 * What a display gets when it starts, for displays that use no ROS: `node` carries a name only,
 * and calling anything else on it fails the test.
 */
export async function displayContext(argv: string[] = []) {
  const { params } = await readParams(async () => undefined, ['_web_port:=0', ...argv]);
  const counts = { received: 0, dropped: 0 };
  const figures = new Figures(counts);
  const { log, lines } = captureLog();
  const node = { name: '/display_test' } as RosNode;
  const context: DisplayContext = { node, params, figures, log };
  return { context, counts, figures, lines };
}
