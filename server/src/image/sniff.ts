/** The image containers a caller may send. */
export type ImageFormat = 'jpeg' | 'png' | 'webp';

/**
 * The container `bytes` start with, by their magic bytes, or undefined. Checked before any
 * decoder sees the bytes, so none of libvips' other loaders (SVG, PDF, TIFF, …) is reachable.
 */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, JPEG)) return 'jpeg';
  if (startsWith(bytes, PNG)) return 'png';
  if (startsWith(bytes, RIFF) && startsWith(bytes.subarray(8), WEBP)) return 'webp';
  return undefined;
}

/** The first bytes as hex, for messages about what arrived instead of an image. */
export function firstBytesHex(bytes: Uint8Array, count = 8): string {
  return Buffer.from(bytes.subarray(0, count))
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
}

const JPEG = [0xff, 0xd8, 0xff];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const RIFF = [0x52, 0x49, 0x46, 0x46];
const WEBP = [0x57, 0x45, 0x42, 0x50];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((byte, i) => bytes[i] === byte);
}
