/**
 * launch/robot_client.launch on its own, as on the robot workstation, against a server that is
 * already running (a stand-in that echoes the frame) and a master of the test's own:
 *
 *   camera (this test, 10 Hz) ──► robot client (roslaunch) ── getMask ──► stand-in server
 *                                   └──► ~composite/compressed ──► this test
 *   SIGINT or SIGTERM to roslaunch → it stops the node → the master no longer knows it
 *
 * And the node started by hand with a command-line remap of its camera topic.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RosNode } from '../../src/camera/ros-node.js';
import { makeFrame, toImageMessage } from '../helpers/frames.js';
import { namesIn, systemState } from '../helpers/master-state.js';
import { needsRoslaunch } from '../helpers/needs.js';
import { LoggedProcess } from '../helpers/processes.js';
import { joinRos, LAUNCH_NODES, type Master, REPO, startMaster } from '../helpers/ros.js';
import { type StandInServer, startStandInServer } from '../helpers/stand-in-server.js';
import { until } from '../helpers/wait.js';

const frame = toImageMessage(makeFrame('bgr8', 160, 120, (x, y) => [x, y, 128]));
const opened: Array<{ stop: () => unknown }> = [];
after(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.stop();
});

let shared: { master: Master; server: StandInServer; node: RosNode } | undefined;

/**
 * One master, an echoing server and a camera for the whole file (rosnodejs joins one master per
 * process), publishing at 10 Hz on the Baxter topic and on `/my/camera`.
 */
async function rig(): Promise<{ master: Master; server: StandInServer; node: RosNode }> {
  if (shared) return shared;
  const master = await startMaster();
  opened.push(master);
  const server = await startStandInServer((image) => image);
  opened.push({ stop: () => server.close() });
  const node = await joinRos(master.env, 'launch_test_camera');
  opened.push({ stop: () => node.shutdown() });
  const cameras = ['/cameras/right_hand_camera/image', '/my/camera'].map((topic) =>
    node.advertise(topic, 'sensor_msgs/Image'),
  );
  const timer = setInterval(() => {
    for (const camera of cameras) camera.publish(frame);
  }, 100);
  opened.push({ stop: () => clearInterval(timer) });
  shared = { master, server, node };
  return shared;
}

/** Resolves once a composite arrives on `topic`. */
async function firstComposite(node: RosNode, topic: string, process: LoggedProcess): Promise<void> {
  let arrived = 0;
  node.subscribe(topic, 'sensor_msgs/CompressedImage', () => {
    arrived++;
  });
  await until(() => arrived > 0, 60_000, `a composite on ${topic}`).catch((error) => {
    throw new Error(`${error.message}; the node said:\n${process.tail.join('\n')}`);
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`robot_client.launch alone: composites arrive; ${signal} to roslaunch unregisters the node`, {
    skip: needsRoslaunch(),
  }, async () => {
    const { master, server, node } = await rig();
    const name = `/launched_${signal.toLowerCase()}`;
    const launch = new LoggedProcess(
      'roslaunch',
      [
        join(REPO, 'launch/robot_client.launch'),
        `server:=${server.endpoint}`,
        'display:=topic',
        `node_name:=${name.slice(1)}`,
      ],
      master.env,
      REPO,
    );
    opened.push({ stop: () => launch.stop('SIGKILL', 1000) });
    await firstComposite(node, `${name}/composite/compressed`, launch);
    assert.ok(namesIn(await systemState(master.port)).includes(name));

    await launch.stop(signal, 20_000);
    assert.equal(await launch.exited, 0, launch.tail.join('\n'));
    const left = namesIn(await systemState(master.port));
    assert.ok(!left.includes(name), `still registered: ${left.join(', ')}`);
  });
}

test('client node: a command-line remap moves its camera topic', {
  skip: needsRoslaunch(),
}, async () => {
  const { master, server, node } = await rig();
  const client = new LoggedProcess(
    LAUNCH_NODES.client,
    [
      '__name:=remapped_client',
      '/cameras/right_hand_camera/image:=/my/camera',
      `_server:=${server.endpoint}`,
      '_display:=topic',
    ],
    master.env,
    REPO,
  );
  opened.push({ stop: () => client.stop('SIGINT', 10_000) });
  await firstComposite(node, '/remapped_client/composite/compressed', client);
});
