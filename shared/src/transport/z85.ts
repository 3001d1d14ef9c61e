/**
 * Z85 (ZeroMQ RFC 32), the text form of CURVE keys. The ZAP handler gets a client's key as 32
 * raw bytes and compares it with keys read from certificate files. Hand-written because zeromq.js
 * does not export its own encoder and the spec is ten lines.
 */
const ALPHABET =
  '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

/** `bytes` (a multiple of 4 long) as Z85 text, 5 characters for every 4 bytes. */
export function z85Encode(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0)
    throw new RangeError(`Z85 needs a multiple of 4 bytes, got ${bytes.length}`);
  let text = '';
  for (let i = 0; i < bytes.length; i += 4) {
    let value =
      ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
    let chunk = '';
    for (let j = 0; j < 5; j++, value = Math.floor(value / 85))
      chunk = ALPHABET[value % 85] + chunk;
    text += chunk;
  }
  return text;
}
