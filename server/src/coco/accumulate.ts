/**
 * Precision–recall for one category and area range over all images, as pycocotools
 * `COCOeval.accumulate`: detections of every image are ranked by score, precision is made
 * monotone from the right, then sampled at the 101 recall points.
 */

import type { ImageMatches } from './match.js';
import { FALSE_POSITIVE, TRUE_POSITIVE } from './match.js';

/** numpy's np.spacing(1), which pycocotools adds to keep 0/0 precision at 0. */
const EPSILON = 2 ** -52;

/**
 * Interpolated precision at each recall threshold, one Float64Array per IoU threshold; undefined
 * when the category has no ground truth that counts (pycocotools' -1, left out of the mean).
 * `images` must be in ascending image id order: equal scores keep that order, as in pycocotools.
 */
export function precisionAtRecall(
  images: readonly ImageMatches[],
  thresholdCount: number,
  recallThresholds: readonly number[],
): Float64Array[] | undefined {
  let positives = 0;
  let total = 0;
  for (const im of images) {
    positives += im.positives;
    total += im.scores.length;
  }
  if (positives === 0) return undefined;

  // Every detection as (image, index), ranked by score; Array.prototype.sort is stable.
  const scores = new Float64Array(total);
  const imageOf = new Uint32Array(total);
  const indexOf = new Uint32Array(total);
  let n = 0;
  images.forEach((im, i) => {
    for (let d = 0; d < im.scores.length; d++, n++) {
      scores[n] = im.scores[d];
      imageOf[n] = i;
      indexOf[n] = d;
    }
  });
  const rank = Array.from({ length: total }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);

  const curves: Float64Array[] = [];
  const precision = new Float64Array(total);
  const recall = new Float64Array(total);
  for (let t = 0; t < thresholdCount; t++) {
    let tp = 0;
    let fp = 0;
    for (let r = 0; r < total; r++) {
      const im = images[imageOf[rank[r]]];
      const outcome = im.outcomes[t * im.scores.length + indexOf[rank[r]]];
      if (outcome === TRUE_POSITIVE) tp++;
      else if (outcome === FALSE_POSITIVE) fp++;
      recall[r] = tp / positives;
      precision[r] = tp / (fp + tp + EPSILON);
    }
    for (let r = total - 1; r > 0; r--) {
      if (precision[r] > precision[r - 1]) precision[r - 1] = precision[r];
    }
    // Recall points past the highest recall reached keep precision 0.
    const q = new Float64Array(recallThresholds.length);
    let r = 0;
    for (let i = 0; i < recallThresholds.length; i++) {
      while (r < total && recall[r] < recallThresholds[i]) r++;
      if (r === total) break;
      q[i] = precision[r];
    }
    curves.push(q);
  }
  return curves;
}
