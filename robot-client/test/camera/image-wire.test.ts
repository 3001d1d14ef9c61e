import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compressedImageClass, imageClass } from '../../src/camera/image-wire.js';

const meta = (type: string) => ({
  datatype: () => type,
  md5sum: () => 'md5',
  messageDefinition: () => 'definition',
});
const header = { seq: 7, stamp: { secs: 1_700_000_000, nsecs: 5 }, frame_id: 'cam' };

test('image wire: a sensor_msgs/Image is laid out as ROS serializes it', () => {
  const Image = imageClass(meta('sensor_msgs/Image'));
  const message = {
    header,
    height: 1,
    width: 2,
    encoding: 'mono8',
    is_bigendian: 0,
    step: 2,
    data: Buffer.from([9, 8]),
  };
  const size = Image.getMessageSize(message);
  const buffer = Buffer.alloc(size);
  assert.equal(Image.serialize(message, buffer, 0), size);
  const expected = Buffer.concat([
    Buffer.from([7, 0, 0, 0]), // seq
    Buffer.from([0x00, 0xf1, 0x53, 0x65]), // secs, little-endian
    Buffer.from([5, 0, 0, 0]), // nsecs
    Buffer.from([3, 0, 0, 0]),
    Buffer.from('cam'),
    Buffer.from([1, 0, 0, 0]), // height
    Buffer.from([2, 0, 0, 0]), // width
    Buffer.from([5, 0, 0, 0]),
    Buffer.from('mono8'),
    Buffer.from([0]), // is_bigendian
    Buffer.from([2, 0, 0, 0]), // step
    Buffer.from([2, 0, 0, 0, 9, 8]), // data
  ]);
  assert.deepEqual(buffer, expected);
  assert.deepEqual(Image.deserialize(buffer), message);
});

test('image wire: the pixels of a received Image are a view of the message, not a copy', () => {
  const Image = imageClass(meta('sensor_msgs/Image'));
  const pixels = Buffer.alloc(640 * 400 * 3, 0x5a);
  const message = {
    header,
    height: 400,
    width: 640,
    encoding: 'bgr8',
    is_bigendian: 0,
    step: 1920,
    data: pixels,
  };
  const buffer = Buffer.alloc(Image.getMessageSize(message));
  Image.serialize(message, buffer, 0);
  const received = Image.deserialize(buffer);
  const data = received.data as Buffer;
  assert.equal(data.buffer, buffer.buffer);
  assert.ok(data.equals(pixels));
});

test('image wire: CompressedImage round-trips, and a truncated message is refused', () => {
  const Compressed = compressedImageClass(meta('sensor_msgs/CompressedImage'));
  const message = {
    header,
    format: 'rgb8; jpeg compressed bgr8',
    data: Buffer.from([0xff, 0xd8, 0xff]),
  };
  const buffer = Buffer.alloc(Compressed.getMessageSize(message));
  Compressed.serialize(message, buffer, 0);
  assert.deepEqual(Compressed.deserialize(buffer), message);
  assert.throws(() => Compressed.deserialize(buffer.subarray(0, buffer.length - 1)), {
    name: 'RangeError',
    message: 'a 3-byte field runs past the 55-byte message',
  });
  assert.equal(Compressed.datatype(), 'sensor_msgs/CompressedImage');
});
