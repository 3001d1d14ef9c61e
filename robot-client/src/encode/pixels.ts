import type { RawFrame } from '../camera/subscribe.js';
import { dropAlpha, swapRedBlue } from './swizzle.js';

/** Tightly packed 8-bit pixels in the order sharp's raw input expects: grey, or R G B. */
export interface PackedPixels {
  width: number;
  height: number;
  channels: 1 | 3;
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
 * The sensor_msgs/image_encodings the client reads. Baxter's hand cameras publish `bgra8`; the
 * 16-bit ones are kept to their high byte, which is where `is_bigendian` matters.
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
};

/** The encodings {@link packPixels} accepts. */
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
 * Turns a camera frame into packed grey or RGB bytes: drops row padding (`step`), puts blue and
 * red in RGB order, drops alpha (JPEG has none, and some drivers leave it 0), and keeps the high
 * byte of 16-bit samples as `is_bigendian` places it. rgb8 and mono8 frames without padding are
 * passed through without a copy.
 * @throws {UnsupportedEncodingError} for an encoding not in {@link SUPPORTED_ENCODINGS}.
 * @throws {MalformedFrameError} when width, height, step and data length disagree.
 */
export function packPixels(frame: RawFrame): PackedPixels {
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

  const channels = layout.channels === 1 ? 1 : 3;
  const passThrough =
    layout.bytesPerSample === 1 && layout.channels === channels && layout.red === 0;
  if (passThrough && step === rowBytes)
    return { width, height, channels, data: data.subarray(0, height * rowBytes) };

  // A fresh array starts 4-byte aligned, as the word-wise swizzles need.
  const out = new Uint8Array(width * height * channels);
  if (layout.bytesPerSample === 1 && layout.channels === channels) {
    // rgb8 and mono8 with padding, bgr8: rows copied whole, then red and blue swapped in place.
    for (let y = 0; y < height; y++)
      out.set(data.subarray(y * step, y * step + rowBytes), y * rowBytes);
    if (layout.red === 2) swapRedBlue(out);
    return { width, height, channels, data: out };
  }
  if (layout.bytesPerSample === 1 && step === rowBytes) {
    // bgra8 (Baxter's hand cameras), rgba8: the message's pixels sit at any offset in it.
    const packed = data.subarray(0, height * rowBytes);
    dropAlpha(packed.byteOffset % 4 === 0 ? packed : new Uint8Array(packed), out, layout.red);
    return { width, height, channels, data: out };
  }
  // Offset of a sample's high byte within it: the first byte when big-endian.
  const high = layout.bytesPerSample === 2 && !frame.isBigEndian ? 1 : 0;
  const sample = layout.bytesPerSample;
  const blue = 2 - layout.red;
  let o = 0;
  for (let y = 0; y < height; y++) {
    let i = y * step + high;
    const rowEnd = i + rowBytes;
    if (channels === 1) {
      for (; i < rowEnd; i += sample) out[o++] = data[i];
    } else {
      const r = layout.red * sample;
      const g = sample;
      const b = blue * sample;
      for (; i < rowEnd; i += pixelBytes) {
        out[o] = data[i + r];
        out[o + 1] = data[i + g];
        out[o + 2] = data[i + b];
        o += 3;
      }
    }
  }
  return { width, height, channels, data: out };
}
