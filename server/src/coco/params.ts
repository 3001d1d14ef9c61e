/**
 * COCOeval's default parameters for 'segm' and 'bbox' (pycocotools `Params.setDetParams`),
 * computed the way numpy's linspace computes them so that threshold comparisons agree to the bit.
 */

/** numpy.linspace(start, stop, num): start + i * step, with the last value exactly `stop`. */
function linspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  return Array.from({ length: num }, (_, i) => (i === num - 1 ? stop : i * step + start));
}

/** IoU thresholds .50:.05:.95 (10 values); AP50 is index 0, AP75 index 5. */
export const IOU_THRESHOLDS: readonly number[] = linspace(0.5, 0.95, 10);

/** Recall points 0:.01:1 (101 values) at which precision is sampled. */
export const RECALL_THRESHOLDS: readonly number[] = linspace(0, 1, 101);

/** Detections per image that count, best first. */
export const MAX_DETECTIONS = 100;

/** An object-size bucket: a ground truth or detection area in pixels within [min, max]. */
export interface AreaRange {
  label: 'all' | 'small' | 'medium' | 'large';
  min: number;
  max: number;
}

/** COCO's size buckets, in pixels of object area: all, under 32², 32² to 96², over 96². */
export const AREA_RANGES: readonly AreaRange[] = [
  { label: 'all', min: 0, max: 1e5 ** 2 },
  { label: 'small', min: 0, max: 32 ** 2 },
  { label: 'medium', min: 32 ** 2, max: 96 ** 2 },
  { label: 'large', min: 96 ** 2, max: 1e5 ** 2 },
];
