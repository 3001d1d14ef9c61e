import { InvalidImageError } from '@maskrcnn-zmq/shared';
import { invalidParameter } from './validate.js';

/**
 * Checks the `image` argument's type on the socket's thread, in constant time: encoded image
 * bytes, or base64 text of them (a str or bin). Everything that reads the content — telling
 * base64 apart, decoding it, the magic bytes — runs on an inference worker
 * (`image/image-form.ts`), so no image costs the thread that serves every caller.
 * @throws {InvalidImageError} for an empty image; {@link BadRequestError} for other types.
 */
export function readImageArgument(value: unknown): Uint8Array | string {
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
    throw invalidParameter('image', 'image bytes (JPEG, PNG, WebP) or base64 text of them', value);
  }
  if (value.length === 0) {
    throw new InvalidImageError(
      typeof value === 'string' ? 'image is empty (an empty string)' : 'image is empty (0 bytes)',
    );
  }
  return value;
}
