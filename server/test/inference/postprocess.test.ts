import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { selectDetections } from '../../src/inference/postprocess.js';

const SETTINGS = {
  boxWeights: [10, 10, 5, 5] as const,
  scoreThreshold: 0.05,
  nmsThreshold: 0.3,
  minScore: 0.001,
  maxDetections: 100,
};

/** Class probabilities for rois × 3 classes (column 0 background) and zero deltas. */
function heads(probs: number[][]) {
  return {
    clsProb: { data: Float32Array.from(probs.flat()), dims: [probs.length, 3] },
    bboxPred: { data: new Float32Array(probs.length * 12), dims: [probs.length, 12] },
  };
}

describe('selectDetections', () => {
  test('maps rois to original pixels, clips them, and sorts all classes best first', () => {
    // Input is the original at scale 0.5; roi 1 reaches past the 100×100 original.
    const rois = new Float32Array([5, 5, 24.5, 24.5, 30, 30, 60, 60]);
    const { clsProb, bboxPred } = heads([
      [0.1, 0.2, 0.7],
      [0.2, 0.8, 0.0],
    ]);
    const found = selectDetections(rois, clsProb, bboxPred, 0.5, 100, 100, SETTINGS);
    assert.deepEqual(
      found.map((d) => [d.classId, Math.round(d.score * 100) / 100, d.box]),
      [
        [1, 0.8, [60, 60, 99, 99]],
        [2, 0.7, [10, 10, 49, 49]],
        [1, 0.2, [10, 10, 49, 49]],
      ],
    );
  });

  test('drops scores at or under the threshold and keeps the best maxDetections', () => {
    const rois = new Float32Array([0, 0, 9, 9, 50, 50, 59, 59]);
    const { clsProb, bboxPred } = heads([
      [0.95, 0.05, 0.0],
      [0.3, 0.06, 0.64],
    ]);
    const found = selectDetections(rois, clsProb, bboxPred, 1, 100, 100, {
      ...SETTINGS,
      maxDetections: 1,
    });
    assert.equal(found.length, 1);
    assert.equal(found[0].classId, 2);
  });

  test('applies Soft-NMS within a class, not across classes', () => {
    // Two rois with IoU 0.5: class 1's second copy decays to 0.6 × 0.5; class 2 is untouched.
    const rois = new Float32Array([0, 0, 9, 9, 0, 0, 9, 4]);
    const { clsProb, bboxPred } = heads([
      [0.1, 0.9, 0.0],
      [0.0, 0.6, 0.4],
    ]);
    const found = selectDetections(rois, clsProb, bboxPred, 1, 100, 100, SETTINGS);
    const scores = found.map((d) => [d.classId, Math.round(d.score * 1000) / 1000]);
    assert.deepEqual(scores, [
      [1, 0.9],
      [2, 0.4],
      [1, 0.3],
    ]);
  });
});
