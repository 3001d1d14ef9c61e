import { BadRequestError } from '@maskrcnn-zmq/shared';
import type { OutputTensor } from './infer.js';

/**
 * The protocol's raw tensor layout, shared by gRPC's `raw_input_contents`/`raw_output_contents`
 * and REST's binary tensor data extension: elements flattened in row-major order, little-endian,
 * without padding; a BYTES element is a 4-byte little-endian unsigned length, then its bytes.
 */

const LENGTH_BYTES = 4;

/**
 * The `count` elements of a raw BYTES tensor, as views into `raw` (nothing is copied).
 *
 * A one-element tensor may also arrive as the bare element, without its length: clients written
 * by hand put the encoded image there as it is. The two cannot be confused for an image: a
 * JPEG, PNG or WebP begins with bytes that, read as a length, exceed any message a server takes.
 * @throws {BadRequestError} when the lengths do not add up to `raw`'s size and count.
 */
export function bytesElements(raw: Uint8Array, count: number, tensor: string): Uint8Array[] {
  const elements: Uint8Array[] = [];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let offset = 0;
  while (offset + LENGTH_BYTES <= raw.byteLength && elements.length < count) {
    const length = view.getUint32(offset, true);
    const end = offset + LENGTH_BYTES + length;
    if (end > raw.byteLength) break;
    elements.push(raw.subarray(offset + LENGTH_BYTES, end));
    offset = end;
  }
  if (elements.length === count && offset === raw.byteLength) return elements;
  if (count === 1) return [raw];
  throw new BadRequestError(
    `Expected ${count} BYTES elements in the raw contents of ${tensor}, each a 4-byte little-endian length and its bytes, but ${raw.byteLength} bytes do not divide so`,
  );
}

/** An output tensor in the raw layout. */
export function rawTensor(tensor: OutputTensor): Buffer {
  switch (tensor.datatype) {
    case 'FP32': {
      const raw = Buffer.allocUnsafe(tensor.data.length * 4);
      tensor.data.forEach((value, index) => {
        raw.writeFloatLE(value, index * 4);
      });
      return raw;
    }
    case 'INT32': {
      const raw = Buffer.allocUnsafe(tensor.data.length * 4);
      tensor.data.forEach((value, index) => {
        raw.writeInt32LE(value, index * 4);
      });
      return raw;
    }
    case 'BYTES': {
      const size = tensor.data.reduce((total, element) => total + LENGTH_BYTES + element.length, 0);
      const raw = Buffer.allocUnsafe(size);
      let offset = 0;
      for (const element of tensor.data) {
        offset = raw.writeUInt32LE(element.length, offset);
        raw.set(element, offset);
        offset += element.length;
      }
      return raw;
    }
  }
}
