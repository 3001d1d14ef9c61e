import { ImageTooLargeError, InvalidImageError } from '@maskrcnn-zmq/shared';
import type { RgbImage } from '../inference/types.js';
import { decodeRgb, type ImageHeader, readHeader } from './codec.js';
import { firstBytesHex, sniffFormat } from './sniff.js';

/** The default limit on width × height, checked from the header before any pixel is decoded. */
export const DEFAULT_MAX_INPUT_PIXELS = 50_000_000;

export interface DecodeOptions {
  /** Refuse images whose header declares more pixels than this (default 50 megapixels). */
  maxInputPixels?: number;
}

/**
 * Decodes JPEG, PNG or WebP bytes into packed 8-bit RGB.
 *
 * Pixels are returned in stored order: the EXIF orientation tag is NOT applied, because COCO
 * annotations, OpenCV's `imread` and camera frames all address the stored pixel grid. The
 * embedded ICC profile is ignored for the same reason (OpenCV ignores it; converting would
 * shift colours away from what the model was trained on, and costs ~8 ms a frame). Alpha is
 * dropped, greyscale and CMYK become RGB, 16-bit becomes 8-bit.
 *
 * The container is recognised by its magic bytes before any decoder runs, so only the JPEG, PNG
 * and WebP loaders are ever reached. libvips checks the pixel limit from the header before it
 * decodes a pixel, so a small file declaring a huge image costs nothing.
 *
 * @throws InvalidImageError for empty, corrupt, truncated or non-JPEG/PNG/WebP input.
 * @throws ImageTooLargeError when width × height exceeds `maxInputPixels`.
 */
export async function decodeImage(bytes: Uint8Array, opts: DecodeOptions = {}): Promise<RgbImage> {
  const maxInputPixels = opts.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  if (bytes.length === 0) throw new InvalidImageError('image is empty (0 bytes)');

  const format = sniffFormat(bytes);
  if (format === undefined) {
    throw new InvalidImageError(
      `image is not JPEG, PNG or WebP (${bytes.length} bytes starting ${firstBytesHex(bytes)})`,
    );
  }
  try {
    return await decodeRgb(bytes, maxInputPixels);
  } catch (err) {
    // The header is read only now, to say what went wrong: one libvips call for every good image.
    throw await decodeFailure(bytes, format, maxInputPixels, err);
  }
}

async function decodeFailure(
  bytes: Uint8Array,
  format: string,
  maxInputPixels: number,
  err: unknown,
): Promise<Error> {
  let meta: ImageHeader;
  try {
    meta = await readHeader(bytes);
  } catch {
    return new InvalidImageError(
      `image is not a readable ${format} (${bytes.length} bytes): ${firstLine(err)}`,
      { cause: err },
    );
  }
  const pixels = meta.width * meta.height;
  if (pixels > maxInputPixels) {
    return new ImageTooLargeError(
      `image is ${meta.width}×${meta.height} = ${megapixels(pixels)} megapixels; ` +
        `the limit is ${megapixels(maxInputPixels)} megapixels`,
    );
  }
  return new InvalidImageError(
    `${meta.format} image (${meta.width}×${meta.height}, ${bytes.length} bytes) failed to ` +
      `decode: ${firstLine(err)}`,
    { cause: err },
  );
}

/** libvips repeats its complaint on several lines; the first says it, `cause` keeps the rest. */
function firstLine(err: unknown): string {
  return (err as Error).message.split('\n')[0];
}

/** 900000000 → "900", 12345678 → "12.3", 272000 → "0.272": three significant digits. */
function megapixels(pixels: number): string {
  return String(Number((pixels / 1_000_000).toPrecision(3)));
}
