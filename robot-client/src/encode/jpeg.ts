import sharp from 'sharp';
import type { PackedPixels } from './pixels.js';

// Every frame is new: libvips' operation cache would only hold memory.
sharp.cache(false);

/** Wraps a libvips failure, keeping it as `cause`. */
export class JpegEncodeError extends Error {
  override name = 'JpegEncode';
}

/**
 * Compresses packed grey or RGB pixels to a baseline JPEG (sharp/libvips). Huffman tables are
 * not optimised: that pass costs about 40 % of the encoding time for files ~2 % smaller, and
 * the bytes only cross a LAN.
 * @param quality 1..100.
 * @throws {JpegEncodeError} when libvips fails.
 */
export async function encodeJpeg(pixels: PackedPixels, quality: number): Promise<Buffer> {
  const { width, height, channels, data } = pixels;
  try {
    return await sharp(data, { raw: { width, height, channels } })
      .jpeg({ quality, optimiseCoding: false })
      .toBuffer();
  } catch (error) {
    throw new JpegEncodeError(`JPEG encoding of a ${width}×${height} frame failed`, {
      cause: error,
    });
  }
}

/**
 * Decodes a JPEG (a composite) to packed grey or RGB pixels, for displays that publish raw images.
 * @throws {JpegEncodeError} when the bytes are not a JPEG libvips can read.
 */
export async function decodeJpeg(jpeg: Uint8Array): Promise<PackedPixels> {
  try {
    const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 1 && info.channels !== 3)
      throw new Error(`a ${info.channels}-channel JPEG is not grey or RGB`);
    return { width: info.width, height: info.height, channels: info.channels, data };
  } catch (error) {
    throw new JpegEncodeError(`JPEG decoding of a ${jpeg.length}-byte composite failed`, {
      cause: error,
    });
  }
}
