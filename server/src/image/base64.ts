/**
 * Base64 text recognised in one pass over its characters: the body (`A–Z a–z 0–9 + /`, with the
 * line breaks of MIME encoders), at most two `=`, then only whitespace. A regular expression
 * for this backtracked quadratically on long runs of line breaks; a lookup table cannot.
 */
const BODY = 1;
const PAD = 2;
const SPACE = 3;
const CLASS = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/\r\n') {
  CLASS[c.charCodeAt(0)] = BODY;
}
CLASS['='.charCodeAt(0)] = PAD;
for (const c of ' \t\f\v') CLASS[c.charCodeAt(0)] = SPACE;

/** Whether `text` (a str, or bytes read as latin1) is base64 text, in time linear in its length. */
export function isBase64Text(text: string | Uint8Array): boolean {
  const length = text.length;
  const code =
    typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i];
  let i = 0;
  while (i < length && classOf(code(i)) === BODY) i++;
  if (i === 0) return false;
  for (let pads = 0; pads < 2 && i < length && classOf(code(i)) === PAD; pads++) i++;
  for (; i < length; i++) {
    const c = classOf(code(i));
    // After the body only whitespace may follow; line breaks count as whitespace there.
    if (c !== SPACE && !(c === BODY && isLineBreak(code(i)))) return false;
  }
  return true;
}

/** The bytes base64 `text` stands for; call {@link isBase64Text} first, as this skips bad characters. */
export function fromBase64(text: string | Uint8Array): Buffer {
  return typeof text === 'string'
    ? Buffer.from(text, 'base64')
    : Buffer.from(
        Buffer.from(text.buffer, text.byteOffset, text.length).toString('latin1'),
        'base64',
      );
}

/** `bytes` as base64 text. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

const classOf = (code: number) => (code < 256 ? CLASS[code] : 0);
const isLineBreak = (code: number) => code === 10 || code === 13;
