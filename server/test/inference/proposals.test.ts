import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateProposals, topIndices } from '../../src/inference/proposals.js';

describe('topIndices', () => {
  test('returns the indices of the largest values, largest first', () => {
    const values = new Float32Array([0.1, 0.9, 0.3, 0.9, 0.5]);
    assert.deepEqual([...topIndices(values, 3)], [1, 3, 4]);
    assert.deepEqual([...topIndices(values, 10)], [1, 3, 4, 2, 0]);
  });

  test('orders negatives, zeros and infinities as numbers, ties by index', () => {
    const values = new Float32Array([-1, 0, -0.5, Infinity, 2, -Infinity, 0, 1e-30]);
    assert.deepEqual([...topIndices(values, 8)], [3, 4, 7, 1, 6, 2, 0, 5]);
  });

  test('matches a plain sort on thousands of scores with many ties', () => {
    const values = Float32Array.from({ length: 24_000 }, (_, i) => ((i * 7919) % 1000) / 1000);
    const plain = [...values.keys()].sort((a, b) => values[b] - values[a] || a - b).slice(0, 3000);
    assert.deepEqual([...topIndices(values, 3000)], plain);
  });
});

describe('generateProposals', () => {
  // One 16-px anchor around the origin cell, a 2×2 feature map of a 32×32 input, zero deltas:
  // each proposal is the anchor shifted to its cell and clipped to the input.
  const anchors = new Float32Array([-8, -8, 7, 7]);
  const scores = { data: new Float32Array([0.9, 0.1, 0.8, 0.3]), dims: [1, 1, 2, 2] };
  const deltas = { data: new Float32Array(16), dims: [1, 4, 2, 2] };
  const settings = { stride: 16, preNmsTopN: 3, nmsThreshold: 0.7, postNmsTopN: 100, minSize: 1 };

  test('decodes the best pre-NMS candidates at their cells, clipped, best first', () => {
    const rois = generateProposals(scores, deltas, anchors, 32, 32, settings);
    // Cells (x, y): (0, 0) 0.9, (0, 1) 0.8, (1, 1) 0.3; (1, 0) at 0.1 misses the top 3.
    assert.deepEqual([...rois], [0, 0, 7, 7, 0, 8, 7, 23, 8, 8, 23, 23]);
  });

  test('keeps at most postNmsTopN', () => {
    const rois = generateProposals(scores, deltas, anchors, 32, 32, {
      ...settings,
      postNmsTopN: 1,
    });
    assert.deepEqual([...rois], [0, 0, 7, 7]);
  });

  test('applies the deltas of the anchor and cell the score came from', () => {
    const shifted = new Float32Array(16);
    shifted[3] = 0.5; // dx of cell (1, 1): half a width (16 px) to the right.
    const rois = generateProposals(
      scores,
      { data: shifted, dims: [1, 4, 2, 2] },
      anchors,
      64,
      64,
      settings,
    );
    assert.deepEqual([...rois.subarray(8, 12)], [16, 8, 31, 23]);
  });
});
