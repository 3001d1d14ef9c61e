import { iou } from './box-coder.js';

/**
 * Greedy non-maximum suppression (caffe2 `nms_cpu`): walks `order` (box indices, best score
 * first), keeps a box unless it overlaps an already kept one by IoU > `threshold`, and stops
 * after `limit` keeps. Returns the kept indices in keep order.
 *
 * Each candidate is checked against the few kept boxes rather than each kept box against all
 * later candidates: the same result, but the walk stops as soon as `limit` boxes are kept.
 */
export function nms(
  boxes: Float32Array,
  order: ArrayLike<number>,
  threshold: number,
  limit: number,
): number[] {
  const keep: number[] = [];
  for (let i = 0; i < order.length && keep.length < limit; i++) {
    const candidate = order[i];
    if (keep.every((kept) => iou(boxes, kept, candidate) <= threshold)) keep.push(candidate);
  }
  return keep;
}

/**
 * Soft-NMS with the linear method (Bodla et al. 2017; caffe2 `soft_nms_cpu_upright`, method 1):
 * repeatedly keeps the best remaining candidate and multiplies the score of every other
 * candidate overlapping it by IoU > `threshold` by (1 − IoU); candidates whose score falls
 * below `minScore` are dropped. `scores` is updated in place with the decayed scores.
 * Returns the kept indices, best first.
 */
export function softNmsLinear(
  boxes: Float32Array,
  scores: Float32Array,
  candidates: readonly number[],
  threshold: number,
  minScore: number,
): number[] {
  const keep: number[] = [];
  let pending = candidates.slice();
  while (pending.length > 0) {
    let best = 0;
    for (let k = 1; k < pending.length; k++) {
      if (scores[pending[k]] > scores[pending[best]]) best = k;
    }
    const kept = pending[best];
    keep.push(kept);
    const rest: number[] = [];
    for (let k = 0; k < pending.length; k++) {
      if (k === best) continue;
      const j = pending[k];
      const overlap = iou(boxes, kept, j);
      if (overlap > threshold) scores[j] *= 1 - overlap;
      if (scores[j] >= minScore) rest.push(j);
    }
    pending = rest;
  }
  return keep;
}
