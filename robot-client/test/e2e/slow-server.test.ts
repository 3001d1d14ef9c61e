/**
 * A camera at 30 Hz against a server that takes 250 ms a frame:
 *
 *   test node ── 640×400 bgr8 at 30 Hz ──► client node ── one getMask at a time ──► stand-in
 *                                           (slot: newest frame; the rest dropped)   (250 ms)
 *
 * The client must keep one call in flight, drop and count what it cannot send, and hold its
 * memory flat: nothing may queue.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { RosNode } from '../../src/camera/ros-node.js';
import type { FiguresSnapshot } from '../../src/figures.js';
import { makeFrame, toImageMessage } from '../helpers/frames.js';
import { needsRosMaster } from '../helpers/needs.js';
import { type LoggedProcess, rssMiB } from '../helpers/processes.js';
import { joinRos, type Master, startClient, startMaster } from '../helpers/ros.js';
import { type StandInServer, startStandInServer } from '../helpers/stand-in-server.js';

const FRAMES = 300;
let master: Master | undefined;
let server: StandInServer | undefined;
let client: LoggedProcess | undefined;
let node: RosNode | undefined;

after(async () => {
  await client?.stop();
  await node?.shutdown();
  server?.close();
  await master?.stop();
});

test('client node: 30 Hz camera, slow server: memory stays flat and the drops are reported', {
  skip: needsRosMaster(),
}, async (t) => {
  master = await startMaster();
  const reply = Buffer.from(
    await (await import('sharp'))
      .default({
        create: { width: 640, height: 400, channels: 3, background: '#406080' },
      })
      .jpeg()
      .toBuffer(),
  );
  server = await startStandInServer(() => reply, { delayMs: 250 });
  client = startClient(master.env, 'slow_client', {
    server: server.endpoint,
    display: 'topic',
    figures_period_s: 1,
  });
  node = await joinRos(master.env, 'slow_camera');
  await client.waitFor((line) => line.msg === 'robot client starting', 20_000);
  const camera = node.advertise('/cameras/right_hand_camera/image', 'sensor_msgs/Image');
  // One 640×400 frame with a moving bar, re-stamped each time, as a camera sends them.
  const base = toImageMessage(makeFrame('bgr8', 640, 400, (x) => [x % 256, 128, 64]));
  // The subscriber connects asynchronously; wait (20 s at most) until frames reach the client.
  const connectBy = Date.now() + 20_000;
  while (!client.lines.some((l) => (l.figures as FiguresSnapshot | undefined)?.received)) {
    assert.ok(
      Date.now() < connectBy,
      `no camera frame reached the client within 20 s; it said:\n${client.tail.join('\n')}`,
    );
    camera.publish(base);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const rss: number[] = [];
  const startedAt = Date.now();
  for (let seq = 1; seq <= FRAMES; seq++) {
    camera.publish({ ...base, header: { ...base.header, seq } });
    if (seq % 5 === 0) rss.push(await rssMiB(client.pid));
    const due = startedAt + (seq * 1000) / 30;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
  }
  const stoppedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const logged = client.lines.filter((l) => l.msg === 'figures');
  // Counts once all is settled; rates from the last line logged while the camera ran.
  const figures = logged.at(-1)?.figures as FiguresSnapshot;
  const running = logged.filter((l) => Number(l.time) < stoppedAt).at(-1)
    ?.figures as FiguresSnapshot;

  // Memory: no growth once warm. A queue of frames would add ~20 MiB/s (200 over the run).
  const settled = rss.slice(18); // after the first 3 s
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const growth = mean(settled.slice(-15)) - mean(settled.slice(0, 15));
  const shown = rss.map((m) => m.toFixed(0)).join(' ');
  assert.ok(growth < 20, `RSS grew ${growth.toFixed(1)} MiB: ${shown}`);
  assert.ok(Math.max(...rss) < 300, `RSS peaked at ${Math.max(...rss).toFixed(0)} MiB: ${shown}`);

  // Drops: at most 4 frames of 30 reach the server; every other one is dropped and counted.
  assert.ok(figures.received >= FRAMES * 0.9, `received ${figures.received}`);
  assert.equal(server.maxOpen, 1);
  const taken = figures.completed + figures.failed;
  assert.ok(Math.abs(figures.dropped - (figures.received - taken)) <= 2, JSON.stringify(figures));
  assert.ok(figures.dropped >= figures.received * 0.8, JSON.stringify(figures));
  // At most 4 calls a second fit in 250 ms each; fewer when the machine is busy.
  assert.ok(running.fps >= 2 && running.fps <= 4.2, JSON.stringify(running));
  const p50 = running.latencyMs?.p50 ?? 0;
  assert.ok(p50 >= 250 && p50 < 1000, `p50 ${p50} ms`);
  t.diagnostic(
    `slow server: ${JSON.stringify(figures)}; while running: ${JSON.stringify(running)}; RSS growth ${growth.toFixed(1)} MiB; RSS ${shown} MiB`,
  );
});
