import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nms, softNmsLinear } from '../../src/inference/nms.js';

// A and D coincide; B is A's top half (IoU 0.5 with A); C overlaps nothing.
const BOXES = new Float32Array([0, 0, 9, 9, 0, 0, 9, 4, 20, 20, 29, 29, 0, 0, 9, 9]);
const [A, B, C, D] = [0, 1, 2, 3];

describe('nms', () => {
  test('keeps the best of overlapping boxes, in score order', () => {
    assert.deepEqual(nms(BOXES, [A, B, C, D], 0.3, 100), [A, C]);
    // At 0.6 the half-overlapping B survives, the duplicate D does not.
    assert.deepEqual(nms(BOXES, [A, B, C, D], 0.6, 100), [A, B, C]);
  });

  test('stops after the limit', () => {
    assert.deepEqual(nms(BOXES, [A, B, C, D], 0.3, 1), [A]);
  });
});

describe('softNmsLinear', () => {
  test('decays overlapping scores by (1 − IoU) and drops those under the minimum', () => {
    const scores = new Float32Array([0.9, 0.8, 0.7, 0.5]);
    const keep = softNmsLinear(BOXES, scores, [A, B, C, D], 0.3, 0.001);
    assert.deepEqual(keep, [A, C, B]);
    assert.ok(Math.abs(scores[B] - 0.4) < 1e-6, `B decays to 0.8 × (1 − 0.5), got ${scores[B]}`);
    assert.ok(Math.abs(scores[C] - 0.7) < 1e-6);
  });

  test('leaves scores alone at or under the IoU threshold', () => {
    const scores = new Float32Array([0.9, 0.8, 0.7, 0.5]);
    const keep = softNmsLinear(BOXES, scores, [A, B], 0.5, 0.001);
    assert.deepEqual(keep, [A, B]);
    assert.ok(Math.abs(scores[B] - 0.8) < 1e-6);
  });
});
