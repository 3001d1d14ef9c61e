import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedQueue } from '../../src/queue/bounded-queue.js';

describe('bounded queue', () => {
  it('admits up to its limit and refuses the next at once', () => {
    const queue = new BoundedQueue<number>(2);
    assert.equal(queue.offer(1), true);
    assert.equal(queue.offer(2), true);
    assert.equal(queue.offer(3), false);
    assert.equal(queue.waiting, 2);
  });

  it('hands items out oldest first, and straight to a waiting consumer', async () => {
    const queue = new BoundedQueue<string>(1);
    queue.offer('a');
    assert.equal(await queue.take(), 'a');
    const next = queue.take();
    assert.equal(queue.offer('b'), true);
    assert.equal(queue.waiting, 0, 'given to the waiting taker, not queued');
    assert.equal(await next, 'b');
  });

  it('withdraws an item whose caller left', () => {
    const queue = new BoundedQueue<object>(3);
    const a = {};
    const b = {};
    queue.offer(a);
    queue.offer(b);
    assert.equal(queue.remove(a), true);
    assert.equal(queue.remove(a), false);
    assert.equal(queue.waiting, 1);
  });
});
