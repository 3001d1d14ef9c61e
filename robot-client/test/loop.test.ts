import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { VisionClient } from '@maskrcnn-zmq/shared';
import type { RawFrame } from '../src/camera/subscribe.js';
import type { Composite, Display } from '../src/display/display.js';
import { Figures } from '../src/figures.js';
import { runLoop } from '../src/loop.js';
import { LatestSlot } from '../src/slot/latest-slot.js';
import { solidFrame } from './helpers/frames.js';
import { captureLog } from './helpers/log.js';
import { type StandInServer, startStandInServer } from './helpers/stand-in-server.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function frame(seq: number, encoding = 'bgr8'): RawFrame {
  const f = solidFrame(encoding, 32, 24, [seq % 256, 0, 0]);
  return { ...f, header: { ...f.header, seq } };
}

function rig(server: StandInServer, timeoutMs = 1000) {
  const slot = new LatestSlot<RawFrame>();
  const figures = new Figures(slot);
  const client = new VisionClient({ endpoint: server.endpoint, timeoutMs });
  const shown: Composite[] = [];
  const display: Display = { name: 'topic', show: (c) => shown.push(c), close: async () => {} };
  const { log, lines } = captureLog();
  const done = runLoop({
    slot,
    service: client,
    displays: [display],
    figures,
    log,
    jpegQuality: 80,
    mask: {},
    call: { timeoutMs },
  });
  cleanups.push(() => {
    slot.close();
    client.close();
    server.close();
  });
  return { slot, figures, shown, lines, done };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('loop: one call in flight, each taking the newest frame; the rest are dropped', async () => {
  const server = await startStandInServer((image) => image, { delayMs: 60 });
  const { slot, figures, shown } = rig(server);
  for (let seq = 1; seq <= 60; seq++) {
    slot.put(frame(seq));
    await sleep(10);
  }
  await sleep(200);
  assert.equal(server.maxOpen, 1);
  const seqs = shown.map((c) => c.source.header.seq);
  assert.ok(seqs.length >= 5 && seqs.length <= 15, `${seqs.length} composites`);
  assert.deepEqual(
    seqs,
    [...seqs].sort((a, b) => a - b),
  );
  assert.equal(seqs.at(-1), 60, 'the last frame is shown once the server is free');
  const { received, dropped, completed } = figures.snapshot();
  assert.equal(received, 60);
  assert.equal(completed, shown.length);
  assert.equal(dropped, received - completed);
});

test('loop: after calls time out it goes on and reports the outage once, and the recovery', async () => {
  let silent = true;
  const server = await startStandInServer((image) => (silent ? undefined : image));
  const { slot, figures, shown, lines } = rig(server, 150);
  for (let seq = 1; seq <= 4; seq++) {
    slot.put(frame(seq));
    await sleep(200);
  }
  silent = false;
  slot.put(frame(5));
  await sleep(200);
  assert.deepEqual(
    shown.map((c) => c.source.header.seq),
    [5],
  );
  const warnings = lines.filter((line) => line.level === 40);
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0].msg, 'the server did not answer; going on with the newest frames');
  assert.equal((warnings[0].err as { type: string }).type, 'TimeoutError');
  const recovered = lines.find((line) => line.msg === 'the server answers again');
  assert.equal(recovered?.failedFrames, 4);
  assert.equal(figures.snapshot().failed, 4);
  assert.equal(figures.snapshot().lastError?.name, 'Timeout');
});

test('loop: frames it cannot read are skipped and reported once', async () => {
  const server = await startStandInServer((image) => image);
  const { slot, figures, shown, lines } = rig(server);
  for (let seq = 1; seq <= 5; seq++) {
    slot.put({ ...frame(seq), encoding: 'yuv422' });
    await sleep(5);
  }
  slot.put(frame(6));
  await sleep(100);
  assert.deepEqual(
    shown.map((c) => c.source.header.seq),
    [6],
  );
  const errors = lines.filter((line) => line.level === 50);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].msg, 'camera frames cannot be read; they are skipped');
  assert.match(
    (errors[0].err as { message: string }).message,
    /unsupported image encoding "yuv422"/,
  );
  assert.equal(figures.snapshot().failed, 5);
  assert.equal(server.calls, 1);
});

test('loop: ends when the slot closes', async () => {
  const server = await startStandInServer((image) => image);
  const { slot, done } = rig(server);
  slot.close();
  await done;
});
