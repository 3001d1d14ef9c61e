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
import { test } from 'node:test';
import sharp from 'sharp';
import { cameraRig, publishFrames } from '../helpers/camera-rig.js';
import { makeFrame, toImageMessage } from '../helpers/frames.js';
import { stalledSubscriber } from '../helpers/master-state.js';
import { needsRosMaster } from '../helpers/needs.js';

const FRAMES = 240;

test('client node: a topic subscriber that stops reading gets fewer frames; memory stays flat', {
  skip: needsRosMaster(),
}, async (t) => {
  // A noisy composite, so its JPEG is as large as a camera's.
  const noise = Buffer.alloc(640 * 400 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
  const reply = await sharp(noise, { raw: { width: 640, height: 400, channels: 3 } })
    .jpeg()
    .toBuffer();
  const frame = toImageMessage(makeFrame('bgr8', 640, 400, (x) => [x % 256, 128, 64]));
  const rig = await cameraRig(t, 'stall_client', frame, reply);
  const { client } = rig;
  const stalled = await stalledSubscriber(
    rig.master.port,
    '/stall_client',
    '/stall_client/composite',
  );
  t.after(() => stalled.destroy());

  const rss = await publishFrames(rig, frame, FRAMES, 30);
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
