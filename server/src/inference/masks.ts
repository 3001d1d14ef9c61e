import { sampleAxis } from './bilinear.js';
import type { BoxMask } from './types.js';

/** Far above the rounding of a blend of two floats: spans this clear of the threshold skip sampling. */
const MARGIN = 1e-9;

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
  const starts = spanStarts(xs.lo, x0 - left, width);
  const row = new Float32Array(padded);

  for (let y = 0; y < height; y++) {
    const wy = y + y0 - top;
    const r0 = ys.lo[wy] * padded;
    const r1 = ys.hi[wy] * padded;
    const fy = ys.frac[wy];
    for (let i = 0; i < padded; i++) row[i] = map[r0 + i] * (1 - fy) + map[r1 + i] * fy;
    const out = y * width;
    // Between two map columns the value is a blend of theirs: a span where both are well
    // above (below) the threshold is all ones (zeros); only spans across the edge are sampled.
    for (let s = 0; s < starts.length; s++) {
      const from = starts[s];
      const to = starts[s + 1] ?? width;
      const lo = row[xs.lo[from + x0 - left]];
      const hi = row[xs.hi[from + x0 - left]];
      if (Math.min(lo, hi) > threshold + MARGIN) {
        data.fill(1, out + from, out + to);
      } else if (Math.max(lo, hi) > threshold - MARGIN) {
        for (let x = from; x < to; x++) {
          const fx = xs.frac[x + x0 - left];
          if (lo * (1 - fx) + hi * fx > threshold) data[out + x] = 1;
        }
      }
    }
  }
  return { x0, y0, width, height, data };
}

/**
 * Splits the visible columns 0..width−1 (window column = column + offset) into spans that read
 * the same pair of map columns; returns where each span starts.
 */
function spanStarts(lo: Int32Array, offset: number, width: number): number[] {
  const starts: number[] = [];
  for (let x = 0; x < width; x++) {
    if (x === 0 || lo[x + offset] !== lo[x + offset - 1]) starts.push(x);
  }
  return starts;
}
