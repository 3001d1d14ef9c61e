import sharp, { type Metadata } from 'sharp';
import { ImageTooLargeError, InvalidImageError } from './errors.js';
import type { RgbImage } from './types.js';

/** The default limit on width × height, checked from the header before any pixel is decoded. */
export const DEFAULT_MAX_INPUT_PIXELS = 50_000_000;

/** The containers a client may send; anything else sharp can read (SVG, PDF, TIFF…) is refused. */
const ACCEPTED_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'png', 'webp']);

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
 * The size is checked from the header before decoding, so a small file declaring a huge
 * image costs nothing; sharp's own `limitInputPixels` guards the decode as well.
 *
 * @throws InvalidImageError for empty, corrupt, truncated or non-JPEG/PNG/WebP input.
 * @throws ImageTooLargeError when width × height exceeds `maxInputPixels`.
 */
export async function decodeImage(bytes: Uint8Array, opts: DecodeOptions = {}): Promise<RgbImage> {
  const maxInputPixels = opts.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS;
  if (bytes.length === 0) throw new InvalidImageError('image is empty (0 bytes)');

  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new InvalidImageError(
      `image is not a readable JPEG, PNG or WebP (${bytes.length} bytes): ${firstLine(err)}`,
      { cause: err },
    );
  }
  if (!ACCEPTED_FORMATS.has(meta.format)) {
    throw new InvalidImageError(`image format is ${meta.format}; send JPEG, PNG or WebP`);
  }
  const pixels = meta.width * meta.height;
  if (pixels > maxInputPixels) {
    throw new ImageTooLargeError(
      `image is ${meta.width}×${meta.height} = ${megapixels(pixels)} megapixels; ` +
        `the limit is ${megapixels(maxInputPixels)} megapixels`,
    );
  }

  try {
    const { data, info } = await sharp(bytes, {
      limitInputPixels: maxInputPixels,
      ignoreIcc: true,
      failOn: 'warning',
    })
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data };
  } catch (err) {
    throw new InvalidImageError(
      `${meta.format} image (${meta.width}×${meta.height}, ${bytes.length} bytes) failed to ` +
        `decode: ${firstLine(err)}`,
      { cause: err },
    );
  }
}

/** libvips repeats its complaint on several lines; the first says it, `cause` keeps the rest. */
function firstLine(err: unknown): string {
  return (err as Error).message.split('\n')[0];
}

/** 900000000 → "900", 12345678 → "12.3", 272000 → "0.272": three significant digits. */
function megapixels(pixels: number): string {
  return String(Number((pixels / 1_000_000).toPrecision(3)));
}
