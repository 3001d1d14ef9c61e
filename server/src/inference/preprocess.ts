import { sampleAxis } from './bilinear.js';
import type { RgbImage } from './types.js';

/** How a model wants its input sized: short side to `shortSide`, long side at most `maxLongSide`. */
export interface InputSizeRule {
  shortSide: number;
  maxLongSide: number;
}

/** The size an image is resized to, and `scale` = resized / original (one factor, both axes). */
export interface InputSize {
  width: number;
  height: number;
  scale: number;
}

/**
 * Detectron's test-time scale: short side to `rule.shortSide` unless the long side would then
 * exceed `rule.maxLongSide` (judged after rounding), in which case long side to `maxLongSide`.
 * Sides are `round(side · scale)`; boxes map back to the original image by dividing by `scale`.
 */
export function inputSize(width: number, height: number, rule: InputSizeRule): InputSize {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  let scale = rule.shortSide / short;
  if (Math.round(scale * long) > rule.maxLongSide) scale = rule.maxLongSide / long;
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
    scale,
  };
}

export interface TensorLayout {
  /** Subtracted per channel, in B, G, R order (default none: MaskRCNN2GO takes raw 0..255). */
  meanBgr?: readonly [number, number, number];
  /** Pad each side up to a multiple of this with zeros after the mean (default 1: no padding). */
  padMultiple?: number;
}

/** A float32 NCHW tensor with N = 1, C = 3 (B, G, R). */
export interface BgrTensor {
  data: Float32Array;
  /** Tensor width and height, including any padding. */
  width: number;
  height: number;
}

/**
 * Resizes `image` to `size` with OpenCV INTER_LINEAR sampling and lays it out as a 1×3×H×W
 * float BGR tensor, in one pass: sampling, channel swap, mean and layout together, reading
 * each source pixel straight from the packed RGB buffer.
 *
 * Each axis samples at its own ratio (source / resized side), as `cv2.resize(im, (w, h))`
 * does, not at 1/scale as `cv2.resize(im, None, fx=scale)` would: the reference detections
 * were made that way, and this model's scores move by up to 0.1 under that sub-pixel shift.
 */
export function toBgrTensor(
  image: RgbImage,
  size: InputSize,
  layout: TensorLayout = {},
): BgrTensor {
  const [meanB, meanG, meanR] = layout.meanBgr ?? [0, 0, 0];
  const pad = layout.padMultiple ?? 1;
  const outW = Math.ceil(size.width / pad) * pad;
  const outH = Math.ceil(size.height / pad) * pad;
  const plane = outW * outH;
  const data = new Float32Array(3 * plane);
  const xs = sampleAxis(image.width, size.width);
  const ys = sampleAxis(image.height, size.height);
  const x0 = Int32Array.from(xs.lo, (x) => x * 3);
  const x1 = Int32Array.from(xs.hi, (x) => x * 3);
  const fx = xs.frac;
  const src = image.data;
  const stride = image.width * 3;

  for (let y = 0; y < size.height; y++) {
    const r0 = ys.lo[y] * stride;
    const r1 = ys.hi[y] * stride;
    const fy = ys.frac[y];
    const gy = 1 - fy;
    let o = y * outW;
    for (let x = 0; x < size.width; x++, o++) {
      const a = r0 + x0[x];
      const b = r0 + x1[x];
      const c = r1 + x0[x];
      const d = r1 + x1[x];
      const wx = fx[x];
      const vx = 1 - wx;
      // Horizontal then vertical, as OpenCV does, so rounding follows the same order.
      data[o] =
        (src[a + 2] * vx + src[b + 2] * wx) * gy + (src[c + 2] * vx + src[d + 2] * wx) * fy - meanB;
      data[o + plane] =
        (src[a + 1] * vx + src[b + 1] * wx) * gy + (src[c + 1] * vx + src[d + 1] * wx) * fy - meanG;
      data[o + 2 * plane] =
        (src[a] * vx + src[b] * wx) * gy + (src[c] * vx + src[d] * wx) * fy - meanR;
    }
  }
  return { data, width: outW, height: outH };
}
