/**
 * Bilinear sampling along one axis with OpenCV's INTER_LINEAR conventions: pixel centres at
 * +0.5 ("half-pixel"), coordinates clamped to the edge pixels. Precomputed once per axis so
 * that resizing an image or a mask costs two multiply-adds per value and no allocation per pixel.
 */
export interface AxisSamples {
  /** Source index of the lower neighbour, one per destination index. */
  lo: Int32Array;
  /** Source index of the upper neighbour (equal to `lo` at the far edge). */
  hi: Int32Array;
  /** Weight of `hi`; `lo` weighs 1 - frac. */
  frac: Float32Array;
}

/**
 * Plans `dstLength` samples over a source axis of `srcLength` pixels, destination index d
 * reading source coordinate (d + 0.5) · srcLength / dstLength − 0.5, as
 * `cv2.resize(src, (w, h))` does.
 */
export function sampleAxis(srcLength: number, dstLength: number): AxisSamples {
  const srcPerDst = srcLength / dstLength;
  const lo = new Int32Array(dstLength);
  const hi = new Int32Array(dstLength);
  const frac = new Float32Array(dstLength);
  const last = srcLength - 1;
  for (let d = 0; d < dstLength; d++) {
    const s = Math.max(0, (d + 0.5) * srcPerDst - 0.5);
    const i = Math.floor(s);
    if (i >= last) {
      lo[d] = last;
      hi[d] = last;
    } else {
      lo[d] = i;
      hi[d] = i + 1;
      frac[d] = s - i;
    }
  }
  return { lo, hi, frac };
}
