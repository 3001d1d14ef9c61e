import type { RawFrame } from '../camera/subscribe.js';

/** How each pixel's 8-bit samples are ordered; `x` is a fourth sample the encoder skips (alpha). */
export type PixelOrder = 'grey' | 'rgb' | 'bgr' | 'rgbx' | 'bgrx';

/** 8-bit pixels as libjpeg-turbo reads them, without reordering: rows `stride` pixels apart. */
export interface FramePixels {
  width: number;
  height: number;
  order: PixelOrder;
  /** Pixels from the start of one row to the start of the next (at least `width`). */
  stride: number;
  data: Uint8Array;
}

interface Layout {
  /** Samples per pixel in the message. */
  channels: 1 | 3 | 4;
  /** Where red sits among the first three samples: 0 for RGB order, 2 for BGR order. */
  red: 0 | 2;
  bytesPerSample: 1 | 2;
}

/**
 * The sensor_msgs/image_encodings the client reads. Baxter's hand cameras publish `bgra8`.
 * OpenCV type names, which cv_bridge writes for a `cv::Mat` it was given no encoding for, are
 * read as cv_bridge's `cvtColorForDisplay` reads them: `8UC1` as mono8, `8UC3` as bgr8 and
 * `8UC4` as bgra8 (OpenCV's channel order is BGR). 16-bit samples are scaled to 8 bits by
 * {@link to8Bits}.
 */
const LAYOUTS: Record<string, Layout> = {
  rgb8: { channels: 3, red: 0, bytesPerSample: 1 },
  bgr8: { channels: 3, red: 2, bytesPerSample: 1 },
  rgba8: { channels: 4, red: 0, bytesPerSample: 1 },
  bgra8: { channels: 4, red: 2, bytesPerSample: 1 },
  mono8: { channels: 1, red: 0, bytesPerSample: 1 },
  rgb16: { channels: 3, red: 0, bytesPerSample: 2 },
  bgr16: { channels: 3, red: 2, bytesPerSample: 2 },
  rgba16: { channels: 4, red: 0, bytesPerSample: 2 },
  bgra16: { channels: 4, red: 2, bytesPerSample: 2 },
  mono16: { channels: 1, red: 0, bytesPerSample: 2 },
  '8UC1': { channels: 1, red: 0, bytesPerSample: 1 },
  '8UC3': { channels: 3, red: 2, bytesPerSample: 1 },
  '8UC4': { channels: 4, red: 2, bytesPerSample: 1 },
};

/** The encodings {@link framePixels} accepts. */
export const SUPPORTED_ENCODINGS: readonly string[] = Object.keys(LAYOUTS);

/** The frame's encoding is not one the client reads; the message lists those it does. */
export class UnsupportedEncodingError extends Error {
  override name = 'UnsupportedEncoding';
  constructor(readonly encoding: string) {
    super(`unsupported image encoding "${encoding}"; supported: ${SUPPORTED_ENCODINGS.join(', ')}`);
  }
}

/** The frame's size, step and data length do not fit together; the message says how. */
export class MalformedFrameError extends Error {
  override name = 'MalformedFrame';
}

/**
 * Turns a camera frame into pixels the JPEG encoder reads. 8-bit frames keep their channel order
 * and alpha (the encoder takes B G R and skips the fourth sample itself), and their bytes are
 * not copied unless the row padding is not a whole number of pixels. 16-bit samples (read in
 * the byte order `is_bigendian` gives) are scaled to 8 bits by {@link to8Bits}, as grey or R G B.
 * @throws {UnsupportedEncodingError} for an encoding not in {@link SUPPORTED_ENCODINGS}.
 * @throws {MalformedFrameError} when width, height, step and data length disagree.
 */
export function framePixels(frame: RawFrame): FramePixels {
  const layout = LAYOUTS[frame.encoding];
  if (!layout) throw new UnsupportedEncodingError(frame.encoding);
  const { width, height, step, data } = frame;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new MalformedFrameError(`image size ${width}×${height} is not a positive whole size`);
  const pixelBytes = layout.channels * layout.bytesPerSample;
  const rowBytes = width * pixelBytes;
  if (!Number.isInteger(step) || step < rowBytes)
    throw new MalformedFrameError(
      `step ${step} is less than width × bytes per pixel (${width} × ${pixelBytes} = ${rowBytes})`,
    );
  const needed = (height - 1) * step + rowBytes;
  if (data.length < needed)
    throw new MalformedFrameError(
      `data holds ${data.length} bytes; ${height} rows of step ${step} need ${needed}`,
    );

  if (layout.bytesPerSample === 1) {
    const order = ORDERS[layout.channels][layout.red];
    // The encoder wants whole pixels between rows, and every row's padding present.
    if (step % pixelBytes === 0 && data.length >= height * step)
      return { width, height, order, stride: step / pixelBytes, data };
    const out = new Uint8Array(height * rowBytes);
    for (let y = 0; y < height; y++)
      out.set(data.subarray(y * step, y * step + rowBytes), y * rowBytes);
    return { width, height, order, stride: width, data: out };
  }
  // 16-bit samples, gathered as grey or R G B in the byte order of the message, then scaled.
  const channels = layout.channels === 1 ? 1 : 3;
  const picks = channels === 1 ? [0] : [layout.red * 2, 2, (2 - layout.red) * 2];
  const [high, low] = frame.isBigEndian ? [0, 1] : [1, 0];
  const samples = new Uint16Array(width * height * channels);
  let o = 0;
  for (let y = 0; y < height; y++) {
    const rowEnd = y * step + rowBytes;
    for (let i = y * step; i < rowEnd; i += pixelBytes)
      for (const at of picks) samples[o++] = (data[i + at + high] << 8) | data[i + at + low];
  }
  const out = new Uint8Array(samples.length);
  to8Bits(samples, out);
  return { width, height, order: channels === 1 ? 'grey' : 'rgb', stride: width, data: out };
}

/** The order of 8-bit pixels by channel count and where red sits. */
const ORDERS: Record<1 | 3 | 4, Record<0 | 2, PixelOrder>> = {
  1: { 0: 'grey', 2: 'grey' },
  3: { 0: 'rgb', 2: 'bgr' },
  4: { 0: 'rgbx', 2: 'bgrx' },
};

/**
 * Scales 16-bit samples to 8 bits, by the bit depth the frame shows, into `out`.
 *
 * cv_bridge's plain conversion (`toCvCopy(msg, "bgr8")`, `cvtColor`) does
 * `convertTo(CV_8U, 255.0 / 65535)`: right for a sensor that fills 16 bits, but the 10- and
 * 12-bit sensors of most machine-vision cameras publish samples up to 1023 or 4095 in 16-bit
 * words, which that maps to 0..4 or 0..16 — nearly black, and nothing for the model to see.
 * cv_bridge's `cvtColorForDisplay` with `do_dynamic_scaling` instead stretches each frame's
 * min..max to 0..255 (grey images only), which lifts black and follows every change of the scene.
 *
 * Here the frame's depth is the number of bits of its largest sample, at least 8 (so 1023 → 10
 * bits, 4095 → 12, 65535 → 16), and every sample `v` becomes `round(v × 255 / (2^depth − 1))`,
 * the rounding `convertTo` does. A frame that uses all 16 bits gets exactly cv_bridge's
 * conversion; a 10- or 12-bit sensor's frames fill 0..255; black stays black, and colours keep
 * their ratios (one scale for all channels). The brightness of a dark frame (brightest sample
 * under half its sensor's range) steps up by a power of two: this is for the model's eyes, not
 * for photometry.
 */
export function to8Bits(samples: Uint16Array, out: Uint8Array): void {
  let max = 0;
  for (let i = 0; i < samples.length; i++) if (samples[i] > max) max = samples[i];
  const depth = Math.max(8, 32 - Math.clz32(max));
  const scale = 255 / (2 ** depth - 1);
  for (let i = 0; i < samples.length; i++) out[i] = Math.round(samples[i] * scale);
}
