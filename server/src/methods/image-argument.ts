import { InvalidImageError } from '@maskrcnn-zmq/shared';
import { invalidParameter } from './validate.js';

/**
 * How the caller sent the image, so the composite goes back in the same form: raw bytes for raw
 * bytes, base64 text for base64 text — as a str if it came as a str, as bin if it came as bin
 * (Python's `base64.b64encode` returns bytes, which zerorpc packs as bin).
 */
export type ImageForm = 'bytes' | 'base64-bin' | 'base64-str';

export interface ImageArgument {
  bytes: Uint8Array;
  form: ImageForm;
}

const BASE64_TEXT = /^[A-Za-z0-9+/\r\n]+={0,2}\s*$/;

/**
 * Reads the `image` argument: encoded image bytes, or base64 text of them (str or bin).
 * @throws {InvalidImageError} for empty input; {@link BadRequestError} for other types.
 */
export function readImageArgument(value: unknown): ImageArgument {
  if (typeof value === 'string') {
    return { bytes: fromBase64(value), form: 'base64-str' };
  }
  if (!(value instanceof Uint8Array)) {
    throw invalidParameter('image', 'image bytes (JPEG, PNG, WebP) or base64 text of them', value);
  }
  if (value.length === 0) throw new InvalidImageError('image is empty (0 bytes)');
  const text = asBase64Text(value);
  return text === undefined
    ? { bytes: value, form: 'bytes' }
    : { bytes: fromBase64(text), form: 'base64-bin' };
}

/** `bytes` in the form the image arrived in. */
export function inForm(bytes: Uint8Array, form: ImageForm): Uint8Array | string {
  if (form === 'bytes') return bytes;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
  return form === 'base64-str' ? text : Buffer.from(text, 'latin1');
}

function asBase64Text(bytes: Uint8Array): string | undefined {
  // Encoded images start with a byte outside base64's alphabet (JPEG 0xFF, PNG 0x89), so most
  // frames are told apart without copying; WebP's "RIFF" fails the pattern a few bytes in.
  if (!BASE64_TEXT.test(String.fromCharCode(bytes[0]))) return undefined;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
  return BASE64_TEXT.test(text) ? text : undefined;
}

function fromBase64(text: string): Uint8Array {
  if (text.length === 0) throw new InvalidImageError('image is empty (an empty string)');
  if (!BASE64_TEXT.test(text)) {
    throw new InvalidImageError(
      `image came as a str of ${text.length} characters that is not base64 text; send image bytes as bin, or base64 text`,
    );
  }
  return Buffer.from(text, 'base64');
}
