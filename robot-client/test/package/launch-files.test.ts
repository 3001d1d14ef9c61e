/**
 * The launch files as roslaunch reads them: robot_client.launch offers every parameter of the
 * node, and demo.launch runs with no photo, its camera publishing the package's test frame.
 *
 *   roslaunch --dump-params robot_client.launch name:=value …  ──►  /maskrcnn_client/name: value
 *   roslaunch demo.launch (no photo:=)  ──►  image_publisher (test_frame.png) ──► client ──►
 *                                             server ──► ~composite/compressed ──► this test
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { onPath, skipUnless } from '@maskrcnn-zmq/shared/test-support';
import sharp from 'sharp';
import type { RosNode } from '../../src/camera/ros-node.js';
import { PARAM_NAMES } from '../../src/params.js';
import { firstReason, needsModel, needsRoslaunch } from '../helpers/needs.js';
import { LoggedProcess } from '../helpers/processes.js';
import { freePort, joinRos, MODEL_DIR, REPO, rosEnv } from '../helpers/ros.js';
import { until } from '../helpers/wait.js';

const run = promisify(execFile);
const CLIENT_LAUNCH = join(REPO, 'launch/robot_client.launch');
const DEMO_LAUNCH = join(REPO, 'launch/demo.launch');
const TEST_FRAME = join(REPO, 'launch/test_frame.png');
const withoutRoslaunch = skipUnless(
  onPath('roslaunch'),
  'roslaunch (apt-get install python3-roslaunch ros-core)',
);

/** `roslaunch --dump-params`, as a map of parameter → value as written. */
async function dumpParams(launch: string, args: string[]): Promise<Map<string, string>> {
  const env = rosEnv(await freePort());
  const { stdout } = await run('roslaunch', ['--dump-params', launch, ...args], { env });
  return new Map(
    stdout
      .split('\n')
      .filter((line) => line.startsWith('/'))
      .map((line) => {
        const at = line.indexOf(': ');
        return [line.slice(0, at), line.slice(at + 2)] as [string, string];
      }),
  );
}

test('robot_client.launch: every parameter of the node is a documented arg that sets it', {
  skip: withoutRoslaunch,
}, async () => {
  const text = readFileSync(CLIENT_LAUNCH, 'utf8');
  const args = new Map(
    [...text.matchAll(/<arg\s+name="([^"]+)"([^>]*)>/g)].map((m) => [m[1], m[2]]),
  );
  for (const name of PARAM_NAMES) {
    assert.ok(args.has(name), `no arg ${name}`);
    assert.match(args.get(name) ?? '', /\sdoc="[^"]{10,}"/, `arg ${name} has no doc`);
  }

  const values: Record<string, string> = {
    server: 'tcp://10.0.0.7:38282',
    image_topic: '/cameras/left_hand_camera/image',
    display: 'topic,web',
    jpeg_quality: '70',
    timeout_ms: '1500',
    heartbeat_ms: '700',
    score_threshold: '0.25',
    classes: 'person,cup',
    web_host: '0.0.0.0',
    web_port: '8081',
    in_flight: '2',
    figures_period_s: '2',
    server_key: '/etc/maskrcnn/server.key',
    client_key: '/etc/maskrcnn/robot.key_secret',
  };
  assert.deepEqual(Object.keys(values).sort(), [...PARAM_NAMES].sort());
  const given = await dumpParams(
    CLIENT_LAUNCH,
    Object.entries(values).map(([name, value]) => `${name}:=${value}`),
  );
  for (const [name, value] of Object.entries(values))
    assert.equal(given.get(`/maskrcnn_client/${name}`), value, name);

  // Left empty, an arg sets nothing: the node's own default applies (display is the launch's).
  const defaults = await dumpParams(CLIENT_LAUNCH, []);
  assert.deepEqual([...defaults], [['/maskrcnn_client/display', 'window']]);
});

let launch: LoggedProcess | undefined;
let node: RosNode | undefined;
after(async () => {
  await node?.shutdown();
  await launch?.stop('SIGINT', 20_000);
});

test('demo.launch: with no photo the camera publishes the test frame and composites come back', {
  skip: firstReason(needsRoslaunch(), needsModel()),
}, async (t) => {
  const frame = await sharp(TEST_FRAME).metadata();
  assert.deepEqual([frame.format, frame.width, frame.height], ['png', 640, 400]);
  assert.ok(readFileSync(TEST_FRAME).length < 16_384, 'the test frame stays a few KB');

  const masterPort = await freePort();
  const env = rosEnv(masterPort);
  launch = new LoggedProcess(
    'roslaunch',
    [
      '-p',
      String(masterPort),
      DEMO_LAUNCH,
      `port:=${await freePort()}`,
      `model_dir:=${MODEL_DIR}`,
      'display:=topic',
    ],
    env,
    REPO,
  );
  node = await joinRos(env, 'demo_frame_viewer');
  const composites: Buffer[] = [];
  node.subscribe('/maskrcnn_client/composite/compressed', 'sensor_msgs/CompressedImage', (m) =>
    composites.push(m.data as Buffer),
  );
  await until(() => composites.length > 0, 90_000, 'a composite of the test frame').catch(
    (error) => {
      throw new Error(`${error.message}; roslaunch said:\n${launch?.tail.join('\n')}`);
    },
  );
  const composite = await sharp(composites[0]).metadata();
  assert.deepEqual([composite.format, composite.width, composite.height], ['jpeg', 640, 400]);
  t.diagnostic(`${composites.length} composites of the test frame`);
});
