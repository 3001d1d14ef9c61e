/**
 * The server's only door to its codecs: sharp (libvips) reads headers, decodes, encodes PNG and
 * rasterises the caption font once for the glyph atlas; libjpeg-turbo encodes the composites.
 * An upgrade, or a different codec, touches this file alone.
 */
import jpegTurbo from '@julusian/jpeg-turbo';
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

/**
 * `image` encoded as JPEG or PNG. JPEG goes straight to libjpeg-turbo: a libvips pipeline costs
 * twice as much for the same baseline file (1.3 against 0.6 ms at 640×480), and neither
 * optimises Huffman tables, a second pass for 1.3 % fewer bytes of a frame that lives a few
 * milliseconds.
 */
export function encodeRgb(image: RgbImage, opts: EncodeOptions): Promise<Buffer> {
  const { width, height, data } = image;
  if (opts.format === 'png')
    return sharp(data, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer();
  return jpegTurbo.compress(Buffer.from(data.buffer, data.byteOffset, data.byteLength), {
    format: jpegTurbo.FORMAT_RGB,
    width,
    height,
    quality: opts.quality ?? 85,
    subsampling: jpegTurbo.SAMP_420,
  });
}

/** An 8-bit coverage map: 0 transparent, 255 opaque. */
export interface AlphaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** The alpha channel of `svg` rasterised at its own size. */
export async function rasteriseSvgAlpha(svg: string): Promise<AlphaImage> {
  const { data, info } = await sharp(Buffer.from(svg))
    .ensureAlpha()
    .extractChannel(3)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

/** The width of `text`'s ink set in `font` (a Pango font description, e.g. "DejaVu Sans 64px"). */
export async function inkWidth(text: string, font: string): Promise<number> {
  const { info } = await sharp({ text: { text, font } })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return info.width;
}
