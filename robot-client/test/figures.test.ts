import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Figures } from '../src/figures.js';

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

test('figures: fps, p50 and p95 over the window, drops from the frame counts', () => {
  const time = clock();
  const counts = { received: 30, dropped: 20 };
  const figures = new Figures(counts, { windowMs: 1000, now: time.now });
  for (let i = 1; i <= 10; i++) {
    time.advance(100);
    figures.recordReply(i * 10);
  }
  const snapshot = figures.snapshot();
  assert.equal(snapshot.fps, 10);
  assert.deepEqual(snapshot.latencyMs, { p50: 50, p95: 100 });
  assert.deepEqual([snapshot.received, snapshot.dropped, snapshot.completed], [30, 20, 10]);
  assert.equal(snapshot.lastError, null);
});

test('figures: replies older than the window leave the rates', () => {
  const time = clock();
  const figures = new Figures({ received: 0, dropped: 0 }, { windowMs: 1000, now: time.now });
  time.advance(2000);
  figures.recordReply(500);
  time.advance(1500);
  const snapshot = figures.snapshot();
  assert.equal(snapshot.fps, 0);
  assert.equal(snapshot.latencyMs, null);
  assert.equal(snapshot.completed, 1);
});

test('figures: the ring keeps memory fixed and rates over what it spans', () => {
  const time = clock();
  const figures = new Figures(
    { received: 0, dropped: 0 },
    { windowMs: 10_000, capacity: 8, now: time.now },
  );
  for (let i = 0; i < 100; i++) {
    time.advance(10);
    figures.recordReply(1);
  }
  // The last 8 replies span 70 ms: 8 / 0.07 s.
  assert.equal(figures.snapshot().fps, 114.3);
});

test('figures: the last error is kept with its name', () => {
  const figures = new Figures({ received: 0, dropped: 0 });
  const error = new Error('getMask() got no reply within 50 ms');
  error.name = 'Timeout';
  figures.recordFailure(error);
  const { lastError, failed } = figures.snapshot();
  assert.equal(failed, 1);
  assert.equal(lastError?.name, 'Timeout');
  assert.equal(lastError?.message, 'getMask() got no reply within 50 ms');
});

test('figures: the server state, connecting until the loop says otherwise', () => {
  const figures = new Figures({ received: 0, dropped: 0 });
  assert.deepEqual(figures.snapshot().server, { type: 'connecting' });
  const backingOff = {
    type: 'backingOff',
    reason: 'Overloaded',
    failures: 2,
    retryInMs: 400,
  } as const;
  figures.setServerState(backingOff);
  assert.deepEqual(figures.snapshot().server, backingOff);
  figures.setServerState({ type: 'misconfigured', message: 'BadRequest: classes: "zebar"' });
  assert.equal(figures.snapshot().server.type, 'misconfigured');
});
