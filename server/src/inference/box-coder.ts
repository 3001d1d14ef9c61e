/**
 * Detectron's box arithmetic with its "+1" pixel convention: a box [x1, y1, x2, y2] covers
 * x2 − x1 + 1 pixels across. Boxes live in flat Float32Arrays, four numbers each, so the
 * thousands of proposals per frame cost no object each.
 */

/** Deltas above this (log-space) would blow a box up more than 1000/16 times: clamp them. */
export const BBOX_XFORM_CLIP = Math.log(1000 / 16);

/** Per-coordinate divisors for (dx, dy, dw, dh), from training: (1,1,1,1) RPN, (10,10,5,5) heads. */
export type BoxWeights = readonly [number, number, number, number];

/**
 * Applies deltas to a box (caffe2 `bbox_transform` with `correct_transform_coords`, i.e.
 * x2 = centre + w/2 − 1) and writes the result to `out` at `outAt`.
 */
export function decodeBox(
  boxes: ArrayLike<number>,
  boxAt: number,
  deltas: ArrayLike<number>,
  deltaAt: number,
  weights: BoxWeights,
  out: Float32Array,
  outAt: number,
): void {
  const w = boxes[boxAt + 2] - boxes[boxAt] + 1;
  const h = boxes[boxAt + 3] - boxes[boxAt + 1] + 1;
  const cx = boxes[boxAt] + 0.5 * w + (deltas[deltaAt] / weights[0]) * w;
  const cy = boxes[boxAt + 1] + 0.5 * h + (deltas[deltaAt + 1] / weights[1]) * h;
  const pw = Math.exp(Math.min(deltas[deltaAt + 2] / weights[2], BBOX_XFORM_CLIP)) * w;
  const ph = Math.exp(Math.min(deltas[deltaAt + 3] / weights[3], BBOX_XFORM_CLIP)) * h;
  out[outAt] = cx - 0.5 * pw;
  out[outAt + 1] = cy - 0.5 * ph;
  out[outAt + 2] = cx + 0.5 * pw - 1;
  out[outAt + 3] = cy + 0.5 * ph - 1;
}

/** Clips the box at `at` to an image of `width` × `height` pixels (last pixel width − 1). */
export function clipBox(boxes: Float32Array, at: number, width: number, height: number): void {
  boxes[at] = Math.min(Math.max(boxes[at], 0), width - 1);
  boxes[at + 1] = Math.min(Math.max(boxes[at + 1], 0), height - 1);
  boxes[at + 2] = Math.min(Math.max(boxes[at + 2], 0), width - 1);
  boxes[at + 3] = Math.min(Math.max(boxes[at + 3], 0), height - 1);
}

/** Intersection over union of boxes i and j of `boxes`, with +1 widths. */
export function iou(boxes: Float32Array, i: number, j: number): number {
  const a = i * 4;
  const b = j * 4;
  const iw = Math.min(boxes[a + 2], boxes[b + 2]) - Math.max(boxes[a], boxes[b]) + 1;
  if (iw <= 0) return 0;
  const ih = Math.min(boxes[a + 3], boxes[b + 3]) - Math.max(boxes[a + 1], boxes[b + 1]) + 1;
  if (ih <= 0) return 0;
  const inter = iw * ih;
  const areaA = (boxes[a + 2] - boxes[a] + 1) * (boxes[a + 3] - boxes[a + 1] + 1);
  const areaB = (boxes[b + 2] - boxes[b] + 1) * (boxes[b + 3] - boxes[b + 1] + 1);
  return inter / (areaA + areaB - inter);
}
