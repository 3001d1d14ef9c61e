/**
 * The server's only door to sharp (libvips): reading an image's header, decoding it to RGB, and
 * encoding RGB (with an optional SVG drawn over it) as JPEG or PNG. An upgrade, or a different
 * codec, touches this file alone.
 */
import sharp from 'sharp';
import type { RgbImage } from '../inference/types.js';

export interface ImageHeader {
  /** libvips' name for the container, e.g. 'jpeg'. */
  format: string;
  width: number;
  height: number;
}

/** The header only: no pixel is decoded. */
export async function readHeader(bytes: Uint8Array): Promise<ImageHeader> {
  const { format, width, height } = await sharp(bytes, { limitInputPixels: false }).metadata();
  return { format, width, height };
}

/**
 * Packed 8-bit RGB in stored pixel order: alpha dropped, grey and CMYK made RGB, 16-bit made
 * 8-bit, the EXIF orientation and the ICC profile ignored (see decode.ts for why).
 * @throws libvips' error for corrupt or truncated data, or more than `maxPixels` pixels.
 */
export async function decodeRgb(bytes: Uint8Array, maxPixels: number): Promise<RgbImage> {
  const { data, info } = await sharp(bytes, {
    limitInputPixels: maxPixels,
    ignoreIcc: true,
    failOn: 'warning',
  })
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

export interface EncodeOptions {
  format: 'jpeg' | 'png';
  /** JPEG quality 1..100 (default 85); ignored for PNG. */
  quality?: number;
}

/** An SVG document drawn over part of the image, its top-left corner at `left`, `top`. */
export interface SvgOverlay {
  svg: string;
  left: number;
  top: number;
}

/** `image` encoded as JPEG or PNG, with `overlay` drawn over it first. */
export function encodeRgb(
  image: RgbImage,
  opts: EncodeOptions,
  overlay?: SvgOverlay,
): Promise<Buffer> {
  const { width, height, data } = image;
  let pipeline = sharp(data, { raw: { width, height, channels: 3 } });
  if (overlay) {
    const { svg, left, top } = overlay;
    // The SVG brings an alpha channel that the photo does not need.
    pipeline = pipeline.composite([{ input: Buffer.from(svg), left, top }]).removeAlpha();
  }
  return opts.format === 'png'
    ? pipeline.png().toBuffer()
    : pipeline.jpeg({ quality: opts.quality ?? 85 }).toBuffer();
}
