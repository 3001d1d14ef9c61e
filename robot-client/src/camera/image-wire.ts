/**
 * sensor_msgs/Image and sensor_msgs/CompressedImage on the wire, read and written in one pass.
 * rosnodejs's generated-on-the-fly classes turn `uint8[] data` into a JavaScript array one
 * element at a time, which costs tens of milliseconds per 640×400 frame in each direction;
 * here the pixels stay a Buffer that points into the received message. Types, MD5 sums and
 * definitions still come from rosnodejs (the .msg files), so only the byte layout is ours:
 *
 *   Image:           Header, uint32 height, uint32 width, string encoding, uint8 is_bigendian,
 *                    uint32 step, uint8[] data
 *   CompressedImage: Header, string format, uint8[] data
 *   Header:          uint32 seq, uint32 secs, uint32 nsecs, string frame_id
 *   string, T[]:     uint32 length (little-endian), then the bytes
 */

/** The fields of a `std_msgs/Header`, carried from the camera frame to the composite. */
export interface RosHeader {
  seq: number;
  stamp: { secs: number; nsecs: number };
  frame_id: string;
}

/** What rosnodejs needs of a message class to publish or subscribe with it. */
export interface MessageClass {
  datatype(): string;
  md5sum(): string;
  messageDefinition(): string;
  getMessageSize(message: Record<string, unknown>): number;
  serialize(message: Record<string, unknown>, buffer: Buffer, offset: number): number;
  deserialize(buffer: Buffer): Record<string, unknown>;
}

class Reader {
  constructor(
    private readonly buffer: Buffer,
    private offset = 0,
  ) {}

  uint32(): number {
    const value = this.buffer.readUInt32LE(this.offset);
    this.offset += 4;
    return value;
  }

  uint8(): number {
    return this.buffer[this.offset++];
  }

  /** The next `uint32 length` bytes, without a copy. */
  bytes(): Buffer {
    const length = this.uint32();
    const start = this.offset;
    this.offset += length;
    if (this.offset > this.buffer.length)
      throw new RangeError(
        `a ${length}-byte field runs past the ${this.buffer.length}-byte message`,
      );
    return this.buffer.subarray(start, this.offset);
  }

  string(): string {
    return this.bytes().toString('utf8');
  }

  header(): RosHeader {
    return {
      seq: this.uint32(),
      stamp: { secs: this.uint32(), nsecs: this.uint32() },
      frame_id: this.string(),
    };
  }
}

class Writer {
  constructor(
    private readonly buffer: Buffer,
    public offset: number,
  ) {}

  uint32(value: number): void {
    this.offset = this.buffer.writeUInt32LE(value >>> 0, this.offset);
  }

  uint8(value: number): void {
    this.buffer[this.offset++] = value;
  }

  bytes(value: Uint8Array): void {
    this.uint32(value.length);
    this.buffer.set(value, this.offset);
    this.offset += value.length;
  }

  string(value: string): void {
    this.uint32(Buffer.byteLength(value));
    this.offset += this.buffer.write(value, this.offset, 'utf8');
  }

  header(header: RosHeader | undefined): void {
    this.uint32(header?.seq ?? 0);
    this.uint32(header?.stamp?.secs ?? 0);
    this.uint32(header?.stamp?.nsecs ?? 0);
    this.string(header?.frame_id ?? '');
  }
}

/** Wire sizes, field by field as Writer writes them. */
const stringSize = (value: string) => 4 + Buffer.byteLength(value);
const bytesSize = (value: Uint8Array) => 4 + value.length;
const headerSize = (header: RosHeader | undefined) => 12 + stringSize(header?.frame_id ?? '');
const asBytes = (data: unknown): Uint8Array =>
  data instanceof Uint8Array ? data : Uint8Array.from(data as number[]);

type Meta = Pick<MessageClass, 'datatype' | 'md5sum' | 'messageDefinition'>;

/** rosnodejs's identity of a message type (its statics do not spread). */
const identity = (meta: Meta): Meta => ({
  datatype: () => meta.datatype(),
  md5sum: () => meta.md5sum(),
  messageDefinition: () => meta.messageDefinition(),
});

/** sensor_msgs/Image with `data` as a Buffer, given rosnodejs's class for its identity. */
export function imageClass(meta: Meta): MessageClass {
  return {
    ...identity(meta),
    getMessageSize: (m) =>
      headerSize(m.header as RosHeader) +
      8 + // height, width
      stringSize(String(m.encoding ?? '')) +
      1 + // is_bigendian
      4 + // step
      bytesSize(asBytes(m.data)),
    serialize(m, buffer, offset) {
      const w = new Writer(buffer, offset);
      w.header(m.header as RosHeader);
      w.uint32(Number(m.height));
      w.uint32(Number(m.width));
      w.string(String(m.encoding ?? ''));
      w.uint8(m.is_bigendian ? 1 : 0);
      w.uint32(Number(m.step));
      w.bytes(asBytes(m.data));
      return w.offset;
    },
    deserialize(buffer) {
      const r = new Reader(buffer);
      return {
        header: r.header(),
        height: r.uint32(),
        width: r.uint32(),
        encoding: r.string(),
        is_bigendian: r.uint8(),
        step: r.uint32(),
        data: r.bytes(),
      };
    },
  };
}

/** sensor_msgs/CompressedImage with `data` as a Buffer. */
export function compressedImageClass(meta: Meta): MessageClass {
  return {
    ...identity(meta),
    getMessageSize: (m) =>
      headerSize(m.header as RosHeader) +
      stringSize(String(m.format ?? '')) +
      bytesSize(asBytes(m.data)),
    serialize(m, buffer, offset) {
      const w = new Writer(buffer, offset);
      w.header(m.header as RosHeader);
      w.string(String(m.format ?? ''));
      w.bytes(asBytes(m.data));
      return w.offset;
    },
    deserialize(buffer) {
      const r = new Reader(buffer);
      return { header: r.header(), format: r.string(), data: r.bytes() };
    },
  };
}
