import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { VisionClient } from '@maskrcnn-zmq/shared';
import type { BackoffOptions } from '../src/backoff.js';
import type { RawFrame } from '../src/camera/subscribe.js';
import type { Composite, Display } from '../src/display/display.js';
import { Figures } from '../src/figures.js';
import { runLoop } from '../src/loop.js';
import { LatestSlot } from '../src/slot/latest-slot.js';
import { makeFrame } from './helpers/frames.js';
import { captureLog } from './helpers/log.js';
import { startStandInServer } from './helpers/stand-in-server.js';
import { until } from './helpers/wait.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Frame `seq`, its number drawn as eight black or white bars, so every JPEG of it differs. */
function frame(seq: number, encoding = 'bgr8'): RawFrame {
  const f = makeFrame(encoding, 32, 24, (x) =>
    (seq >> (x >> 2)) & 1 ? [255, 255, 255] : [0, 0, 0],
  );
  return { ...f, header: { ...f.header, seq } };
}

interface RigOptions {
  timeoutMs?: number;
  /** Displays besides the one that records what it is shown. */
  displays?: Display[];
  /** Leave out the recording display. */
  onlyGiven?: boolean;
  backoff?: BackoffOptions;
  inFlight?: number;
}

function rig(server: { endpoint: string; close(): void }, options: RigOptions = {}) {
  const timeoutMs = options.timeoutMs ?? 1000;
  const slot = new LatestSlot<RawFrame>();
  const figures = new Figures(slot);
  const client = new VisionClient({ endpoint: server.endpoint, timeoutMs });
  const shown: Composite[] = [];
  const display: Display = {
    name: 'topic',
    show: (c) => {
      shown.push(c);
    },
    close: async () => {},
  };
  const { log, lines } = captureLog();
  const done = runLoop({
    slot,
    service: client,
    displays: [...(options.onlyGiven ? [] : [display]), ...(options.displays ?? [])],
    figures,
    log,
    jpegQuality: 80,
    mask: {},
    call: { timeoutMs },
    backoff: options.backoff ?? { baseMs: 1, capMs: 1 },
    inFlight: options.inFlight,
  });
  done.catch(() => {});
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

test('loop: ~in_flight calls out at once, each a newer frame, none sent twice, shown in order', async () => {
  const images = new Set<string>();
  const server = await startStandInServer(
    (image) => {
      const key = Buffer.from(image).toString('base64');
      assert.ok(!images.has(key), 'a frame was sent twice');
      images.add(key);
      return image;
    },
    { delayMs: 60 },
  );
  const { slot, figures, shown } = rig(server, { inFlight: 3 });
  for (let seq = 1; seq <= 60; seq++) {
    slot.put(frame(seq));
    await sleep(10);
  }
  await sleep(200);
  assert.equal(server.maxOpen, 3);
  const seqs = shown.map((c) => c.source.header.seq);
  // One call at a time shows about 10 of these 60 frames (the test above); three about 30.
  assert.ok(seqs.length >= 15, `${seqs.length} composites`);
  assert.deepEqual(
    seqs,
    [...new Set(seqs)].sort((a, b) => a - b),
  );
  const { completed, stale } = figures.snapshot();
  assert.equal(completed, shown.length + stale);
  assert.equal(server.calls, images.size);
});

test('loop: by default as many calls out as the server has workers, once it answers', async () => {
  const server = await startStandInServer((image) => image, { delayMs: 40, workers: 2 });
  const { slot, lines } = rig(server, { inFlight: 0 });
  for (let seq = 1; seq <= 40; seq++) {
    slot.put(frame(seq));
    await sleep(5);
  }
  await sleep(100);
  assert.equal(server.maxOpen, 2);
  assert.ok(
    lines.some(
      (line) => String(line.msg).startsWith('calls kept in flight') && line.inFlight === 2,
    ),
  );
});

test('loop: after calls time out it goes on and reports the outage once, and the recovery', async () => {
  let silent = true;
  const server = await startStandInServer((image) => (silent ? undefined : image));
  const { slot, figures, shown, lines } = rig(server, { timeoutMs: 150 });
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

/** A display that fails on every composite: throwing, or rejecting. */
function failingDisplay(how: 'throw' | 'reject') {
  const calls = { shown: 0, closed: 0 };
  const display: Display = {
    name: 'window',
    show: () => {
      calls.shown++;
      if (how === 'throw') throw new Error('imdecode failed');
      return Promise.reject(new Error('imdecode failed'));
    },
    close: async () => {
      calls.closed++;
    },
  };
  return { display, calls };
}

for (const how of ['throw', 'reject'] as const) {
  test(`loop: a display that keeps failing (${how}) is logged once, retried, retired after 5; the others go on`, async () => {
    const server = await startStandInServer((image) => image);
    const bad = failingDisplay(how);
    const { slot, shown, lines } = rig(server, { displays: [bad.display] });
    for (let seq = 1; seq <= 8; seq++) {
      slot.put(frame(seq));
      await until(() => shown.length === seq, 2000, `composite ${seq}`);
    }
    await sleep(20);
    assert.equal(bad.calls.shown, 5, 'tried 5 times, then left out');
    assert.equal(bad.calls.closed, 1);
    const errors = lines.filter((line) => line.level === 50).map((line) => line.msg);
    assert.deepEqual(errors, [
      'the window display failed to show a composite; it is tried again with the next one',
      'the window display failed 5 times in a row; it is closed and left out',
    ]);
  });
}

test('loop: when the last display is retired the loop ends with one clear error', async () => {
  const server = await startStandInServer((image) => image);
  const bad = failingDisplay('throw');
  const { slot, done, lines } = rig(server, { displays: [bad.display], onlyGiven: true });
  const ended = (async () => {
    for (let seq = 1; seq <= 20; seq++) {
      slot.put(frame(seq));
      await sleep(30);
    }
  })();
  await assert.rejects(done, { name: 'NoDisplayLeft', message: /^no display is left/ });
  await ended;
  assert.equal(bad.calls.shown, 5);
  assert.equal(lines.filter((line) => line.level === 50).length, 2);
});

test('loop: with no display at all it ends at once', async () => {
  const server = await startStandInServer((image) => image);
  const { done } = rig(server, { onlyGiven: true });
  await assert.rejects(done, { name: 'NoDisplayLeft' });
});

test('loop: BadRequest from the server ends the loop with the server message; state misconfigured', async () => {
  const server = await startStandInServer(() => ({
    err: ['BadRequest', 'classes: unknown class "zebar"'],
  }));
  const { slot, done, figures } = rig(server);
  slot.put(frame(1));
  await assert.rejects(done, {
    name: 'ServerRejectsRequests',
    message: /BadRequest: classes: unknown class "zebar"/,
  });
  assert.deepEqual(figures.snapshot().server, {
    type: 'misconfigured',
    message: 'BadRequest: classes: unknown class "zebar"',
  });
});

test('loop: Overloaded backs off: calls spaced by the growing wait, then connected again', async () => {
  // Calls 0..3 are refused; call 4 is answered.
  const server = await startStandInServer((image, n) =>
    n < 4 ? { err: ['Overloaded', 'the queue is full'] } : image,
  );
  const { slot, shown, lines, figures } = rig(server, {
    backoff: { baseMs: 100, capMs: 1000, random: () => 0.999 },
  });
  // A camera at 100 Hz: the loop always has a frame, so only the backoff spaces the calls.
  const camera = setInterval(() => slot.put(frame(1)), 10);
  cleanups.push(() => clearInterval(camera));
  await until(() => shown.length > 0, 5000, 'a composite after the backoff');
  const gaps = server.callTimes.slice(1, 5).map((at, i) => at - server.callTimes[i]);
  // Waits of 100, 200, 400, 800 ms (jitter leaves out at most half).
  for (const [i, gap] of gaps.entries())
    assert.ok(gap >= 100 * 2 ** i - 5 && gap < 100 * 2 ** i + 150, `gaps ${gaps}`);
  const warnings = lines.filter((line) => line.level === 40);
  assert.equal(warnings.length, 1);
  assert.match(String(warnings[0].msg), /^the server is overloaded; backing off/);
  assert.deepEqual(figures.snapshot().server, { type: 'connected' });
});

test('loop: timeouts back off exponentially up to the cap, the web state says so', async () => {
  const server = await startStandInServer(() => undefined);
  const { slot, figures } = rig(server, {
    timeoutMs: 50,
    backoff: { baseMs: 40, capMs: 160, random: () => 0.999 },
  });
  const camera = setInterval(() => slot.put(frame(1)), 10);
  cleanups.push(() => clearInterval(camera));
  await until(() => server.callTimes.length >= 7, 5000, '7 calls');
  // Each call waits its 50 ms timeout, then 40, 80, 160, 160, 160 … ms.
  const gaps = server.callTimes.slice(1, 7).map((at, i) => at - server.callTimes[i]);
  const expected = [40, 80, 160, 160, 160, 160].map((wait) => 50 + wait);
  for (const [i, gap] of gaps.entries())
    assert.ok(gap >= expected[i] - 5 && gap < expected[i] + 100, `gaps ${gaps}`);
  const state = figures.snapshot().server;
  assert.equal(state.type, 'backingOff');
  assert.equal(state.type === 'backingOff' && state.reason, 'Timeout');
  assert.equal(state.type === 'backingOff' && state.retryInMs, 160);
});
