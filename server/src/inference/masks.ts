import { sampleAxis } from './bilinear.js';
import type { BoxMask } from './types.js';

/**
 * Pastes one M×M mask-probability map into its box the Detectron way (`segm_results`): the map
 * is padded by one zero pixel on every side, the box is enlarged by (M + 2)/M about its centre
 * so the padded map's pixels line up with the box's, truncated to whole pixels, the map is
 * resized bilinearly (OpenCV INTER_LINEAR) to that window and thresholded. Only the window's
 * pixels inside the image are computed and stored.
 *
 * @param maps the probability maps; this one starts at `at` and is `size` × `size`, row-major.
 * @param box [x1, y1, x2, y2] in original-image pixels, +1 convention.
 * @param threshold probabilities above this are inside the mask.
 */
export function pasteMask(
  maps: Float32Array,
  at: number,
  size: number,
  box: readonly [number, number, number, number],
  imageWidth: number,
  imageHeight: number,
  threshold = 0.5,
): BoxMask {
  const padded = size + 2;
  const map = new Float32Array(padded * padded);
  for (let y = 0; y < size; y++) {
    map.set(maps.subarray(at + y * size, at + (y + 1) * size), (y + 1) * padded + 1);
  }

  // Detectron's expand_boxes followed by astype(int32): truncation toward zero.
  const grow = padded / size;
  const halfW = (box[2] - box[0]) * 0.5 * grow;
  const halfH = (box[3] - box[1]) * 0.5 * grow;
  const cx = (box[2] + box[0]) * 0.5;
  const cy = (box[3] + box[1]) * 0.5;
  const left = Math.trunc(cx - halfW);
  const top = Math.trunc(cy - halfH);
  const winW = Math.max(Math.trunc(cx + halfW) - left + 1, 1);
  const winH = Math.max(Math.trunc(cy + halfH) - top + 1, 1);

  const x0 = Math.max(left, 0);
  const y0 = Math.max(top, 0);
  const width = Math.max(Math.min(left + winW, imageWidth) - x0, 0);
  const height = Math.max(Math.min(top + winH, imageHeight) - y0, 0);
  const data = new Uint8Array(width * height);
  const xs = sampleAxis(padded, winW);
  const ys = sampleAxis(padded, winH);
  const row = new Float32Array(padded);

  for (let y = 0; y < height; y++) {
    const wy = y + y0 - top;
    const r0 = ys.lo[wy] * padded;
    const r1 = ys.hi[wy] * padded;
    const fy = ys.frac[wy];
    for (let i = 0; i < padded; i++) row[i] = map[r0 + i] * (1 - fy) + map[r1 + i] * fy;
    const out = y * width;
    for (let x = 0; x < width; x++) {
      const wx = x + x0 - left;
      const fx = xs.frac[wx];
      if (row[xs.lo[wx]] * (1 - fx) + row[xs.hi[wx]] * fx > threshold) data[out + x] = 1;
    }
  }
  return { x0, y0, width, height, data };
}
