/**
 * A hand-written msgpack writer for hostile messages. It writes what a msgpack library refuses
 * to: nesting 10,000 deep, length headers that lie, duplicate keys and keys such as `__proto__`
 * (which a JS object literal cannot even hold). Well-formed values are written the way the
 * reference packs them: str for strings, bin for bytes.
 */

/** Bytes already packed, embedded as they are (nested hostile parts, lying headers). */
export class Packed {
  constructor(readonly bytes: Buffer) {}
}

export type Packable =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Packed
  | readonly Packable[]
  | { readonly [key: string]: Packable };

/** msgpack bytes of `value`; plain objects become maps of their own string keys. */
export function pack(value: Packable): Buffer {
  if (value === null) return Buffer.from([0xc0]);
  if (value instanceof Packed) return value.bytes;
  if (value instanceof Uint8Array) return Buffer.concat([lengthHeader('bin', value.length), value]);
  if (Array.isArray(value)) return packArray(value.map(pack));
  switch (typeof value) {
    case 'boolean':
      return Buffer.from([value ? 0xc3 : 0xc2]);
    case 'number':
      return Number.isSafeInteger(value) ? packInt(BigInt(value)) : packFloat(value);
    case 'bigint':
      return packInt(value);
    case 'string': {
      const utf8 = Buffer.from(value, 'utf8');
      return Buffer.concat([lengthHeader('str', utf8.length), utf8]);
    }
    default:
      return packMap(Object.entries(value).map(([key, item]) => [pack(key), pack(item)]));
  }
}

/** A map of exactly these entries, in this order: duplicates and `__proto__` included. */
export function mapOf(entries: ReadonlyArray<readonly [Packable, Packable]>): Packed {
  return new Packed(packMap(entries.map(([key, item]) => [pack(key), pack(item)])));
}

export function packArray(items: readonly Buffer[]): Buffer {
  return Buffer.concat([lengthHeader('array', items.length), ...items]);
}

export function packMap(entries: ReadonlyArray<readonly [Buffer, Buffer]>): Buffer {
  return Buffer.concat([lengthHeader('map', entries.length), ...entries.flat()]);
}

export type Container = 'str' | 'bin' | 'array' | 'map';

/**
 * The header that announces `length` bytes (str, bin) or items (array, map), in its shortest
 * form; `length` may exceed what follows, which is the point of a lying header.
 */
export function lengthHeader(type: Container, length: number): Buffer {
  const fix = { str: [0xa0, 32], bin: [0, 0], array: [0x90, 16], map: [0x80, 16] }[type];
  if (length < fix[1]) return Buffer.from([fix[0] | length]);
  const codes = {
    str: [0xd9, 0xda, 0xdb],
    bin: [0xc4, 0xc5, 0xc6],
    array: [0, 0xdc, 0xdd],
    map: [0, 0xde, 0xdf],
  }[type];
  if (length < 0x100 && codes[0] !== 0) return Buffer.from([codes[0], length]);
  if (length < 0x10000) return Buffer.from([codes[1], length >> 8, length & 0xff]);
  const header = Buffer.alloc(5);
  header[0] = codes[2];
  header.writeUInt32BE(length >>> 0, 1);
  return header;
}

/** The 32-bit length form always, e.g. str32 claiming 0xFFFFFFFF bytes. */
export function lengthHeader32(type: Container, length: number): Buffer {
  const header = Buffer.alloc(5);
  header[0] = { str: 0xdb, bin: 0xc6, array: 0xdd, map: 0xdf }[type];
  header.writeUInt32BE(length >>> 0, 1);
  return header;
}

function packInt(value: bigint): Buffer {
  if (value >= 0n && value < 128n) return Buffer.from([Number(value)]);
  if (value < 0n && value >= -32n) return Buffer.from([Number(value) & 0xff]);
  const out = Buffer.alloc(9);
  if (value >= 0n) {
    out[0] = 0xcf;
    out.writeBigUInt64BE(value, 1);
  } else {
    out[0] = 0xd3;
    out.writeBigInt64BE(value, 1);
  }
  return out;
}

function packFloat(value: number): Buffer {
  const out = Buffer.alloc(9);
  out[0] = 0xcb;
  out.writeDoubleBE(value, 1);
  return out;
}
