import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Backoff } from '../src/backoff.js';

test('backoff: doubles from the base up to the cap; jitter leaves out at most half; a success resets', () => {
  const top = new Backoff({ baseMs: 100, capMs: 1000, random: () => 0.999999 });
  assert.deepEqual(
    Array.from({ length: 6 }, () => top.next()),
    [100, 200, 400, 800, 1000, 1000],
  );
  assert.equal(top.failures, 6);
  top.reset();
  assert.equal(top.next(), 100);
  const bottom = new Backoff({ baseMs: 100, capMs: 1000, random: () => 0 });
  assert.deepEqual(
    Array.from({ length: 5 }, () => bottom.next()),
    [50, 100, 200, 400, 500],
  );
  const defaults = new Backoff({ random: () => 0.999999 });
  assert.deepEqual(
    Array.from({ length: 5 }, () => defaults.next()),
    [250, 500, 1000, 2000, 2000],
  );
});
