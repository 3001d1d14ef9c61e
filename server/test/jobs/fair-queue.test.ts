import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FairQueue } from '../../src/jobs/fair-queue.js';

const none = () => 0;

describe('jobs fair queue', () => {
  it('refuses past the total limit and past one peer’s share', () => {
    const queue = new FairQueue<string>(3, 2);
    assert.equal(queue.offer('a', 'a1'), 'queued');
    assert.equal(queue.offer('a', 'a2'), 'queued');
    assert.equal(queue.offer('a', 'a3'), 'peer-full');
    assert.equal(queue.offer('b', 'b1'), 'queued');
    assert.equal(queue.offer('c', 'c1'), 'full');
    assert.equal(queue.waiting, 3);
  });

  it('serves the peer with the fewest calls out first, oldest first among equals', () => {
    const queue = new FairQueue<string>(100, 100);
    for (const item of ['f1', 'f2', 'f3', 'f4']) queue.offer('flood', item);
    queue.offer('h1', 'h1');
    queue.offer('h2', 'h2');
    const order = Array.from({ length: 6 }, () => queue.take(none));
    assert.deepEqual(order, ['h1', 'h2', 'f1', 'f2', 'f3', 'f4']);
    assert.equal(queue.take(none), undefined);
  });

  it('counts calls running on workers as a peer’s load', () => {
    const queue = new FairQueue<string>(100, 100);
    queue.offer('busy', 'b1');
    queue.offer('idle', 'i1');
    // Equal waiting, but 'busy' has two calls on workers already.
    assert.equal(
      queue.take((peer) => (peer === 'busy' ? 2 : 0)),
      'i1',
    );
  });

  it('withdraws a waiting call and empties in arrival order', () => {
    const queue = new FairQueue<string>(100, 100);
    queue.offer('a', 'a1');
    queue.offer('b', 'b1');
    queue.offer('a', 'a2');
    assert.equal(queue.remove('a', 'a1'), true);
    assert.equal(queue.remove('a', 'a1'), false);
    assert.deepEqual(queue.clear(), ['b1', 'a2']);
    assert.equal(queue.waiting, 0);
  });
});
