/**
 * Matching of one image's detections of one category to its ground truth, as pycocotools
 * `COCOeval.evaluateImg`: at each IoU threshold, detections in score order each take the
 * best-overlapping ground truth still free; crowd regions may absorb any number of detections,
 * and detections they absorb (or that fall outside the area range unmatched) are ignored.
 */

import type { AreaRange } from './params.js';

/** A detection counted as a false positive. */
export const FALSE_POSITIVE = 0;
/** A detection matched to a ground truth that counts. */
export const TRUE_POSITIVE = 1;
/** A detection that counts neither way (matched to a crowd or out-of-range object). */
export const IGNORED = 2;

/** What matching needs of one ground truth. */
export interface GroundTruthInfo {
  crowd: boolean;
  /** Pixels, the annotation's own `area`. */
  area: number;
}

/** One image and category's outcome, detections in the order given (best score first). */
export interface ImageMatches {
  scores: Float64Array;
  /** FALSE_POSITIVE, TRUE_POSITIVE or IGNORED at `t * scores.length + d` for threshold t. */
  outcomes: Uint8Array;
  /** Ground truths that count (not crowd, area in range): the recall denominator. */
  positives: number;
}

/**
 * Matches detections (sorted best first, at most maxDets) to ground truths. `ious` holds the
 * IoU of detection d with ground truth g at `d * gts.length + g`; `dtAreas` are in pixels.
 */
export function matchImage(
  ious: Float64Array,
  scores: Float64Array,
  dtAreas: Float64Array,
  gts: readonly GroundTruthInfo[],
  range: AreaRange,
  iouThresholds: readonly number[],
): ImageMatches {
  const D = scores.length;
  const G = gts.length;
  const gtIgnore = gts.map((g) => g.crowd || g.area < range.min || g.area > range.max);
  // Ground truths that count come first, so a detection stops looking once it holds one of them.
  const order = [...gts.keys()].sort((a, b) => Number(gtIgnore[a]) - Number(gtIgnore[b]));
  const positives = gtIgnore.filter((ig) => !ig).length;
  const outcomes = new Uint8Array(iouThresholds.length * D);
  const gtTaken = new Uint8Array(G);

  for (let t = 0; t < iouThresholds.length; t++) {
    gtTaken.fill(0);
    for (let d = 0; d < D; d++) {
      let best = Math.min(iouThresholds[t], 1 - 1e-10);
      let m = -1;
      for (const g of order) {
        if (gtTaken[g] && !gts[g].crowd) continue;
        if (m > -1 && !gtIgnore[m] && gtIgnore[g]) break;
        const iou = ious[d * G + g];
        if (iou < best) continue;
        best = iou;
        m = g;
      }
      const k = t * D + d;
      if (m === -1) {
        const outside = dtAreas[d] < range.min || dtAreas[d] > range.max;
        outcomes[k] = outside ? IGNORED : FALSE_POSITIVE;
      } else {
        outcomes[k] = gtIgnore[m] ? IGNORED : TRUE_POSITIVE;
        gtTaken[m] = 1;
      }
    }
  }
  return { scores, outcomes, positives };
}
