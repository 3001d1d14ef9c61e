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
import { test } from 'node:test';
import sharp from 'sharp';
import type { FiguresSnapshot } from '../../src/figures.js';
import { cameraRig, publishFrames } from '../helpers/camera-rig.js';
import { makeFrame, toImageMessage } from '../helpers/frames.js';
import { needsRosMaster } from '../helpers/needs.js';
import { sleep } from '../helpers/wait.js';

const FRAMES = 300;

test('client node: 30 Hz camera, slow server: memory stays flat and the drops are reported', {
  skip: needsRosMaster(),
}, async (t) => {
  const reply = await sharp({
    create: { width: 640, height: 400, channels: 3, background: '#406080' },
  })
    .jpeg()
    .toBuffer();
  // One 640×400 frame with a moving bar, re-stamped each time, as a camera sends them.
  const frame = toImageMessage(makeFrame('bgr8', 640, 400, (x) => [x % 256, 128, 64]));
  const rig = await cameraRig(t, 'slow_client', frame, reply, 250);
  const { client, server } = rig;

  const rss = await publishFrames(rig, frame, FRAMES, 30);
  const stoppedAt = Date.now();
  await sleep(1500);
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
