import type { DisplayName } from '../params.js';
import type { Display, DisplayContext, StartDisplay } from './display.js';
import { startTopicDisplay } from './topic.js';
import { startWebDisplay } from './web.js';
import { startWindowDisplay } from './window.js';

/** Every display by its `~display` name. */
export const DISPLAYS: Record<DisplayName, StartDisplay> = {
  window: startWindowDisplay,
  topic: startTopicDisplay,
  web: startWebDisplay,
};

/**
 * Starts the named displays. One that cannot run here (no opencv4nodejs, no X display, port
 * taken) is reported with one clear error and left out; the others go on.
 */
export async function startDisplays(
  names: readonly DisplayName[],
  context: DisplayContext,
): Promise<Display[]> {
  const started: Display[] = [];
  for (const name of names) {
    try {
      started.push(await DISPLAYS[name](context));
    } catch (error) {
      context.log.error(
        { display: name, err: error },
        `the ${name} display is not available: ${(error as Error).message}`,
      );
    }
  }
  return started;
}
