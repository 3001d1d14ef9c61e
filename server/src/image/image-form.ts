import { InvalidImageError } from '@maskrcnn-zmq/shared';
import { fromBase64, isBase64Text, toBase64 } from './base64.js';
import { sniffFormat } from './sniff.js';

/**
 * How the caller sent the image, so the composite goes back in the same form: raw bytes for raw
 * bytes, base64 text for base64 text — as a str if it came as a str, as bin if it came as bin
 * (Python's `base64.b64encode` returns bytes, which zerorpc packs as bin).
 */
export type ImageForm = 'bytes' | 'base64-bin' | 'base64-str';

/**
 * The encoded image an `image` argument carries, and the form it came in. Runs on an inference
 * worker: telling base64 apart and decoding it is linear, but for 60 MB it is not free.
 * @throws {InvalidImageError} for a str that is not base64 text.
 */
export function imageBytesOf(image: Uint8Array | string): { bytes: Uint8Array; form: ImageForm } {
  if (typeof image === 'string') {
    if (!isBase64Text(image)) {
      throw new InvalidImageError(
        `image came as a str of ${image.length} characters that is not base64 text; send image bytes as bin, or base64 text`,
      );
    }
    return { bytes: fromBase64(image), form: 'base64-str' };
  }
  // An encoded image starts with its magic bytes, none of which is base64 text.
  if (sniffFormat(image) === undefined && isBase64Text(image)) {
    return { bytes: fromBase64(image), form: 'base64-bin' };
  }
  return { bytes: image, form: 'bytes' };
}

/** `bytes` in the form the image arrived in. */
export function inForm(bytes: Uint8Array, form: ImageForm): Uint8Array | string {
  if (form === 'bytes') return bytes;
  const text = toBase64(bytes);
  return form === 'base64-str' ? text : Buffer.from(text, 'latin1');
}
