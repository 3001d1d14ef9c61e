/**
 * The Open Inference Protocol's raw layout of a BYTES tensor as a client writes and reads it —
 * each element a 4-byte little-endian length, then its bytes — written here independently of
 * the server's own code, so the tests check that code rather than repeat it.
 */

/** One BYTES element: its length (uint32, little-endian), then its bytes. */
export function bytesElement(bytes: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32LE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** The elements of a BYTES tensor in the raw layout. */
export function bytesElements(data: Buffer): Buffer[] {
  const elements: Buffer[] = [];
  for (let at = 0; at < data.length; ) {
    const length = data.readUInt32LE(at);
    elements.push(data.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return elements;
}
