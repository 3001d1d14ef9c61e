import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { RosMessage, RosPublisher } from '../../src/camera/ros-node.js';
import type { FiguresSnapshot } from '../../src/figures.js';
import { type LoggedProcess, rssMiB } from './processes.js';
import { joinRos, type Master, startClient, startMaster } from './ros.js';
import { type StandInServer, startStandInServer } from './stand-in-server.js';
import { sleep } from './wait.js';

/** The Baxter hand camera's topic, which the client node reads by default. */
const CAMERA_TOPIC = '/cameras/right_hand_camera/image';

export interface CameraRig {
  master: Master;
  server: StandInServer;
  /** The client node, logging its figures every second. */
  client: LoggedProcess;
  /** The camera topic, published by the test's own node. */
  camera: RosPublisher;
}

/**
 * The client node `name` on a master of its own, calling a stand-in server that answers every
 * frame with `reply` after `delayMs`, and a test node publishing its camera: all stopped when
 * test `t` ends, newest first. Resolves once `frame` reaches the client.
 */
export async function cameraRig(
  t: TestContext,
  name: string,
  frame: RosMessage,
  reply: Uint8Array,
  delayMs = 0,
): Promise<CameraRig> {
  const stops: (() => unknown)[] = [];
  t.after(async () => {
    for (const stop of stops.reverse()) await stop();
  });
  const master = await startMaster();
  stops.push(() => master.stop());
  const server = await startStandInServer(() => reply, { delayMs });
  stops.push(() => server.close());
  const client = startClient(master.env, name, {
    server: server.endpoint,
    display: 'topic',
    figures_period_s: 1,
  });
  stops.push(() => client.stop());
  const node = await joinRos(master.env, `${name}_camera`);
  stops.push(() => node.shutdown());
  await client.waitFor((line) => line.msg === 'robot client starting', 20_000);
  const camera = node.advertise(CAMERA_TOPIC, 'sensor_msgs/Image');
  // The subscriber connects asynchronously; publish until frames reach the client.
  const connectBy = Date.now() + 20_000;
  while (!client.lines.some((l) => (l.figures as FiguresSnapshot | undefined)?.received)) {
    assert.ok(
      Date.now() < connectBy,
      `no camera frame reached the client within 20 s; it said:\n${client.tail.join('\n')}`,
    );
    camera.publish(frame);
    await sleep(100);
  }
  return { master, server, client, camera };
}

/**
 * Publishes `count` copies of `frame` at `hz`, each stamped with its own sequence number as a
 * camera's are, and samples the client's resident memory every fifth frame.
 * @returns the samples, in MiB
 */
export async function publishFrames(
  rig: CameraRig,
  frame: RosMessage & { header: object },
  count: number,
  hz: number,
): Promise<number[]> {
  const rss: number[] = [];
  const startedAt = Date.now();
  for (let seq = 1; seq <= count; seq++) {
    rig.camera.publish({ ...frame, header: { ...frame.header, seq } });
    if (seq % 5 === 0) rss.push(await rssMiB(rig.client.pid));
    await sleep(Math.max(0, startedAt + (seq * 1000) / hz - Date.now()));
  }
  return rss;
}
