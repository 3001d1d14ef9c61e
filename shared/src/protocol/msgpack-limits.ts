import { ProtocolError } from './errors.js';

/**
 * Bounds on one msgpack value, checked by walking its bytes before a single object is built.
 * @msgpack/msgpack limits lengths but not nesting or the total count of values, so 15 MB of
 * nested empty maps would build millions of objects on the socket's thread; this walk refuses
 * such a message in time linear in its size, allocating nothing. Hand-written because no
 * msgpack library offers a structural pre-check.
 */
export interface MsgpackLimits {
  /** Containers nested inside each other (the outermost counts as 1). */
  maxDepth: number;
  /** Values in all, containers and their entries alike. */
  maxValues: number;
  /** Entries of one array, or key/value pairs of one map. */
  maxEntries: number;
  /** A str, bin or ext longer than this is large. */
  maxSmallBytes: number;
  /** How many large strs and bins one value may hold (an image argument is one). */
  maxLargeValues: number;
  /** Longest ext payload; zerorpc sends none. */
  maxExtBytes: number;
}

/** The value broke one of the limits; the message says which. */
export class MsgpackLimitError extends Error {
  override name = 'MsgpackLimit';
}

/** What one value holds, measured while walking it. */
interface Budget {
  values: number;
  large: number;
}

/**
 * Checks the value starting at `offset` against `limits`.
 * @returns the offset just past the value.
 * @throws {MsgpackLimitError} past a limit; {@link ProtocolError} for truncated or invalid bytes.
 */
export function checkMsgpack(bytes: Uint8Array, limits: MsgpackLimits, offset = 0): number {
  return new Walker(bytes, limits).value(offset, 1, { values: 0, large: 0 });
}

/**
 * The offsets of the entries of the array at the start of `bytes`, checking nothing but the
 * array header, so a caller can read one entry (an event's header) when another is refused.
 * @throws {ProtocolError} when `bytes` does not start with an array.
 */
export function arrayEntries(
  bytes: Uint8Array,
  limits: MsgpackLimits,
): { count: number; first: number } {
  const walker = new Walker(bytes, limits);
  const head = walker.arrayHeader(0);
  if (head === undefined) throw new ProtocolError('the value is not an array');
  return head;
}

class Walker {
  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: MsgpackLimits,
  ) {}

  /** The `{count, first}` of an array header at `at`, or undefined for any other type. */
  arrayHeader(at: number): { count: number; first: number } | undefined {
    const type = this.byte(at);
    if (type >= 0x90 && type <= 0x9f) return { count: type & 0x0f, first: at + 1 };
    if (type === 0xdc) return { count: this.uint(at + 1, 2), first: at + 3 };
    if (type === 0xdd) return { count: this.uint(at + 1, 4), first: at + 5 };
    return undefined;
  }

  value(at: number, depth: number, budget: Budget): number {
    if (++budget.values > this.limits.maxValues) {
      throw new MsgpackLimitError(`more than ${this.limits.maxValues} values`);
    }
    const type = this.byte(at);
    if (type <= 0x7f || type >= 0xe0 || type === 0xc0 || type === 0xc2 || type === 0xc3) {
      return at + 1;
    }
    if (type <= 0x8f) return this.container(at + 1, type & 0x0f, 2, depth, budget);
    if (type <= 0x9f) return this.container(at + 1, type & 0x0f, 1, depth, budget);
    if (type <= 0xbf) return this.blob(at + 1, type & 0x1f, 'str', budget);
    switch (type) {
      case 0xc4: // bin 8/16/32
      case 0xc5:
      case 0xc6: {
        const size = 1 << (type - 0xc4);
        return this.blob(at + 1 + size, this.uint(at + 1, size), 'bin', budget);
      }
      case 0xd9: // str 8/16/32
      case 0xda:
      case 0xdb: {
        const size = 1 << (type - 0xd9);
        return this.blob(at + 1 + size, this.uint(at + 1, size), 'str', budget);
      }
      case 0xc7: // ext 8/16/32: length, type byte, payload
      case 0xc8:
      case 0xc9: {
        const size = 1 << (type - 0xc7);
        return this.ext(at + 2 + size, this.uint(at + 1, size));
      }
      case 0xd4: // fixext 1/2/4/8/16: type byte, payload
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8:
        return this.ext(at + 2, 1 << (type - 0xd4));
      case 0xca:
        return this.fixed(at, 4);
      case 0xcb:
        return this.fixed(at, 8);
      case 0xcc: // uint 8/16/32/64
      case 0xcd:
      case 0xce:
      case 0xcf:
        return this.fixed(at, 1 << (type - 0xcc));
      case 0xd0: // int 8/16/32/64
      case 0xd1:
      case 0xd2:
      case 0xd3:
        return this.fixed(at, 1 << (type - 0xd0));
      case 0xdc:
      case 0xdd:
      case 0xde:
      case 0xdf: {
        const size = type === 0xdc || type === 0xde ? 2 : 4;
        const perEntry = type >= 0xde ? 2 : 1;
        return this.container(at + 1 + size, this.uint(at + 1, size), perEntry, depth, budget);
      }
      default: // 0xc1, never used
        throw new ProtocolError(`byte 0x${type.toString(16)} at ${at} is not msgpack`);
    }
  }

  private container(
    first: number,
    entries: number,
    valuesPerEntry: 1 | 2,
    depth: number,
    budget: Budget,
  ): number {
    if (depth > this.limits.maxDepth) {
      throw new MsgpackLimitError(`nested deeper than ${this.limits.maxDepth}`);
    }
    if (entries > this.limits.maxEntries) {
      throw new MsgpackLimitError(
        `${valuesPerEntry === 2 ? 'a map' : 'an array'} of ${entries} entries (at most ${this.limits.maxEntries})`,
      );
    }
    let at = first;
    for (let i = 0; i < entries * valuesPerEntry; i++) at = this.value(at, depth + 1, budget);
    return at;
  }

  private blob(start: number, length: number, kind: 'str' | 'bin', budget: Budget): number {
    if (length > this.limits.maxSmallBytes && ++budget.large > this.limits.maxLargeValues) {
      throw new MsgpackLimitError(
        `more than ${this.limits.maxLargeValues} str or bin over ${this.limits.maxSmallBytes} bytes (a ${kind} of ${length})`,
      );
    }
    return this.skip(start, length);
  }

  private ext(start: number, length: number): number {
    if (length > this.limits.maxExtBytes) {
      throw new MsgpackLimitError(`an ext of ${length} bytes (at most ${this.limits.maxExtBytes})`);
    }
    return this.skip(start, length);
  }

  private fixed(at: number, size: number): number {
    return this.skip(at + 1, size);
  }

  private skip(start: number, length: number): number {
    const end = start + length;
    if (end > this.bytes.length) {
      throw new ProtocolError(
        `truncated: a value needs ${end} bytes, the message has ${this.bytes.length}`,
      );
    }
    return end;
  }

  private byte(at: number): number {
    if (at >= this.bytes.length) {
      throw new ProtocolError(`truncated: the message ends at byte ${this.bytes.length}`);
    }
    return this.bytes[at];
  }

  private uint(at: number, size: number): number {
    this.skip(at, size);
    let value = 0;
    for (let i = 0; i < size; i++) value = value * 256 + this.bytes[at + i];
    return value;
  }
}
