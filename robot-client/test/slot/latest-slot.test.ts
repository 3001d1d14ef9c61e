import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LatestSlot } from '../../src/slot/latest-slot.js';

test('latest slot: take() gets the newest value and every replaced one counts as dropped', async () => {
  const slot = new LatestSlot<number>();
  slot.put(1);
  slot.put(2);
  slot.put(3);
  assert.equal(await slot.take(), 3);
  assert.deepEqual({ received: slot.received, dropped: slot.dropped }, { received: 3, dropped: 2 });
});

test('latest slot: a waiting take() is handed the next value, which is not a drop', async () => {
  const slot = new LatestSlot<string>();
  const taken = slot.take();
  slot.put('a');
  assert.equal(await taken, 'a');
  slot.put('b');
  assert.equal(await slot.take(), 'b');
  assert.equal(slot.dropped, 0);
});

test('latest slot: two values in one turn while take() waits: the newest wins, the older is dropped', async () => {
  const slot = new LatestSlot<string>();
  const taken = slot.take();
  slot.put('a');
  slot.put('b');
  assert.equal(await taken, 'b');
  assert.deepEqual({ received: slot.received, dropped: slot.dropped }, { received: 2, dropped: 1 });
});

test('latest slot: holds one value however many arrive while nobody takes', async () => {
  const slot = new LatestSlot<Buffer>();
  for (let i = 0; i < 10_000; i++) slot.put(Buffer.alloc(1024, i % 256));
  const value = await slot.take();
  assert.equal(value?.[0], 9_999 % 256);
  assert.equal(slot.dropped, 9_999);
  // Nothing more waits: the next take() waits for the next put().
  const next = slot.take();
  const pending = await Promise.race([
    next,
    new Promise((r) => setTimeout(() => r('pending'), 20)),
  ]);
  assert.equal(pending, 'pending');
  slot.close();
  assert.equal(await next, undefined);
});

test('latest slot: concurrent takes get one value each, first come first served, never the same', async () => {
  const slot = new LatestSlot<number>();
  const first = slot.take();
  const second = slot.take();
  slot.put(7);
  slot.put(8);
  assert.equal(await first, 8, 'the newest of one turn');
  slot.put(9);
  assert.equal(await second, 9);
  assert.deepEqual([slot.received, slot.dropped], [3, 1]);
  const third = slot.take();
  slot.close();
  assert.equal(await third, undefined);
});

test('latest slot: after close() take() gives undefined and put() is ignored', async () => {
  const slot = new LatestSlot<number>();
  slot.put(1);
  slot.close();
  slot.put(2);
  assert.equal(await slot.take(), undefined);
  assert.equal(slot.received, 1);
});
