/**
 * A subscriber to ~composite that stops reading, against a camera at 30 Hz and a server that
 * answers at once:
 *
 *   test node ── 640×400 bgr8, 30 Hz ──► client node ── getMask ──► stand-in (echoes a 640×400 JPEG)
 *                                         │ ~composite (raw rgb8, 768 KB each)
 *                                         └──► stalled TCPROS subscriber (never reads)
 *
 * rosnodejs would queue every composite for it (~20 MB/s); the node must skip it while its
 * socket is busy, so its memory stays flat.
 */
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { after, test } from 'node:test';
import sharp from 'sharp';
import type { RosNode } from '../../src/camera/ros-node.js';
import { makeFrame, toImageMessage } from '../helpers/frames.js';
import { stalledSubscriber } from '../helpers/master-state.js';
import { needsRosMaster } from '../helpers/needs.js';
import { type LoggedProcess, rssMiB } from '../helpers/processes.js';
import { joinRos, type Master, startClient, startMaster } from '../helpers/ros.js';
import { type StandInServer, startStandInServer } from '../helpers/stand-in-server.js';
import { sleep } from '../helpers/wait.js';

const FRAMES = 240;
let master: Master | undefined;
let server: StandInServer | undefined;
let client: LoggedProcess | undefined;
let node: RosNode | undefined;
let stalled: Socket | undefined;

after(async () => {
  stalled?.destroy();
  await client?.stop();
  await node?.shutdown();
  server?.close();
  await master?.stop();
});

test('client node: a topic subscriber that stops reading gets fewer frames; memory stays flat', {
  skip: needsRosMaster(),
}, async (t) => {
  master = await startMaster();
  // A noisy composite, so its JPEG is as large as a camera's.
  const noise = Buffer.alloc(640 * 400 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
  const reply = await sharp(noise, { raw: { width: 640, height: 400, channels: 3 } })
    .jpeg()
    .toBuffer();
  server = await startStandInServer(() => reply);
  client = startClient(master.env, 'stall_client', {
    server: server.endpoint,
    display: 'topic',
    figures_period_s: 1,
  });
  node = await joinRos(master.env, 'stall_camera');
  await client.waitFor((line) => line.msg === 'robot client starting', 20_000);
  const camera = node.advertise('/cameras/right_hand_camera/image', 'sensor_msgs/Image');
  const base = toImageMessage(makeFrame('bgr8', 640, 400, (x) => [x % 256, 128, 64]));
  await sleep(1000);
  stalled = await stalledSubscriber(master.port, '/stall_client', '/stall_client/composite');

  const rss: number[] = [];
  const startedAt = Date.now();
  for (let seq = 1; seq <= FRAMES; seq++) {
    camera.publish({ ...base, header: { ...base.header, seq } });
    if (seq % 5 === 0) rss.push(await rssMiB(client.pid));
    const due = startedAt + (seq * 1000) / 30;
    await sleep(Math.max(0, due - Date.now()));
  }
  const completed = Number(
    (client.lines.filter((l) => l.msg === 'figures').at(-1)?.figures as { completed?: number })
      ?.completed,
  );
  const shown = rss.map((m) => m.toFixed(0)).join(' ');
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const growth = mean(rss.slice(-8)) - mean(rss.slice(4, 12));
  t.diagnostic(
    `stalled subscriber: ${completed} composites; RSS growth ${growth.toFixed(1)} MiB; RSS ${shown} MiB`,
  );
  assert.ok(completed >= 60, `only ${completed} composites: the test did not load the node`);
  // Queued for the stalled subscriber, each composite would add 0.73 MiB.
  assert.ok(growth < 30, `RSS grew ${growth.toFixed(1)} MiB: ${shown}`);
});
