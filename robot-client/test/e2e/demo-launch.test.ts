/**
 * launch/demo.launch under roslaunch, the whole loop on one machine:
 *
 *   image_publisher (photo, 10 Hz) ──► robot client ── getMask ──► server (embedded model)
 *                                        └──► ~composite, ~composite/compressed ──► this test
 *
 * The test counts composites for a few seconds, decodes each, and compares them with the photo.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { VisionClient } from '@maskrcnn-zmq/shared';
import sharp from 'sharp';
import type { RosNode } from '../../src/camera/ros-node.js';
import { meanDifference } from '../helpers/images.js';
import { firstReason, needsModel, needsRoslaunch } from '../helpers/needs.js';
import { LoggedProcess } from '../helpers/processes.js';
import { freePort, joinRos, MODEL_DIR, photo, REPO, rosEnv } from '../helpers/ros.js';
import { sleep, until } from '../helpers/wait.js';

const PHOTO = photo('000000000599.jpg'); // a cat on a couch, remotes, a plant
const COUNT_S = 6;
let launch: LoggedProcess | undefined;
let node: RosNode | undefined;

after(async () => {
  await node?.shutdown();
  await launch?.stop('SIGINT', 20_000);
});

test('demo.launch: composites arrive at 3+ per second, at the camera size, with the cat drawn where it is', {
  skip: firstReason(needsRoslaunch(), needsModel()),
}, async (t) => {
  const masterPort = await freePort();
  const serverPort = await freePort();
  const env = rosEnv(masterPort);
  launch = new LoggedProcess(
    'roslaunch',
    [
      '-p',
      String(masterPort),
      join(REPO, 'launch/demo.launch'),
      `photo:=${PHOTO}`,
      `model_dir:=${MODEL_DIR}`,
      `port:=${serverPort}`,
      'display:=topic',
    ],
    env,
    REPO,
  );
  node = await joinRos(env, 'demo_viewer');
  const composites: { at: number; jpeg: Buffer }[] = [];
  let raw: Record<string, unknown> | undefined;
  node.subscribe('/maskrcnn_client/composite/compressed', 'sensor_msgs/CompressedImage', (m) =>
    composites.push({ at: Date.now(), jpeg: m.data as Buffer }),
  );
  node.subscribe('/maskrcnn_client/composite', 'sensor_msgs/Image', (m) => {
    raw = m;
  });
  await until(() => composites.length > 0, 90_000, 'the first composite').catch((error) => {
    throw new Error(`${error.message}; roslaunch said:\n${launch?.tail.join('\n')}`);
  });

  const from = Date.now();
  await sleep(COUNT_S * 1000);
  const counted = composites.filter((c) => c.at > from && c.at <= from + COUNT_S * 1000);
  const fps = counted.length / COUNT_S;
  assert.ok(fps >= 3, `${fps.toFixed(1)} composites per second`);

  const camera = await sharp(PHOTO).metadata();
  const differences: number[] = [];
  for (const { jpeg } of counted) {
    const meta = await sharp(jpeg).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', camera.width, camera.height]);
    differences.push(await meanDifference(jpeg, await sharp(PHOTO).toBuffer()));
  }
  // JPEG round trips alone differ from the photo by ~1 level per sample; masks by far more.
  const least = Math.min(...differences);
  assert.ok(least > 4, `composites differ from the photo by only ${least.toFixed(1)} per sample`);

  // The cat is drawn where it is: inside its box (as the server finds it) the composite differs
  // from the photo far more than the JPEG round trip does.
  const server = new VisionClient({ endpoint: `tcp://127.0.0.1:${serverPort}`, timeoutMs: 30_000 });
  const { instances } = await server
    .detect(readFileSync(PHOTO), { masks: false })
    .finally(() => server.close());
  const cat = instances.find((instance) => instance.label === 'cat');
  assert.ok(cat, `no cat among ${instances.map((i) => i.label).join(', ')}`);
  const [x1, y1, x2, y2] = cat.box.map(Math.round);
  const inCat = await meanDifference(counted.at(-1)!.jpeg, await sharp(PHOTO).toBuffer(), {
    left: x1,
    top: y1,
    width: x2 - x1 + 1,
    height: y2 - y1 + 1,
  });
  assert.ok(inCat > 15, `inside the cat's box the composite differs by only ${inCat.toFixed(1)}`);

  // The raw topic, as Debian's rostopic (genpy) reads it.
  assert.deepEqual([raw?.width, raw?.height, raw?.encoding], [camera.width, camera.height, 'rgb8']);
  const { stdout } = await promisify(execFile)(
    'rostopic',
    ['echo', '-n', '1', '--noarr', '/maskrcnn_client/composite'],
    { env, timeout: 20_000 },
  );
  assert.match(
    stdout,
    new RegExp(`height: ${camera.height}\\nwidth: ${camera.width}\\nencoding: "rgb8"`),
  );
  t.diagnostic(
    `${fps.toFixed(1)} composites/s over ${COUNT_S} s; ${camera.width}×${camera.height}; ` +
      `mean difference from the photo ${least.toFixed(1)}..${Math.max(...differences).toFixed(1)}, ` +
      `${inCat.toFixed(1)} inside the cat's box`,
  );
});
