import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  MalformedFrameError,
  packPixels,
  UnsupportedEncodingError,
} from '../../src/encode/pixels.js';
import { makeFrame, quadrants, solidFrame } from '../helpers/frames.js';

const W = 6;
const H = 4;

/** The packed RGB (or grey) value at (x, y). */
function at(pixels: ReturnType<typeof packPixels>, x: number, y: number): number[] {
  const i = (y * pixels.width + x) * pixels.channels;
  return [...pixels.data.subarray(i, i + pixels.channels)];
}

for (const encoding of ['rgb8', 'bgr8', 'rgba8', 'bgra8', 'rgb16', 'bgr16']) {
  for (const padding of [0, 5]) {
    test(`pixels: ${encoding} with ${padding} bytes of row padding packs to RGB`, () => {
      const pixels = packPixels(makeFrame(encoding, W, H, quadrants(W, H), { padding }));
      assert.deepEqual([pixels.width, pixels.height, pixels.channels], [W, H, 3]);
      assert.equal(pixels.data.length, W * H * 3);
      assert.deepEqual(at(pixels, 0, 0), [255, 0, 0]);
      assert.deepEqual(at(pixels, W - 1, 0), [0, 255, 0]);
      assert.deepEqual(at(pixels, 0, H - 1), [0, 0, 255]);
      assert.deepEqual(at(pixels, W - 1, H - 1), [255, 255, 255]);
    });
  }
}

for (const encoding of ['mono8', 'mono16']) {
  test(`pixels: ${encoding} with row padding packs to grey`, () => {
    const frame = makeFrame(encoding, W, H, (x, y) => [x * 40 + y, 0, 0], { padding: 3 });
    const pixels = packPixels(frame);
    assert.equal(pixels.channels, 1);
    assert.deepEqual(at(pixels, 5, 3), [203]);
    assert.deepEqual(at(pixels, 1, 2), [42]);
  });
}

test('pixels: is_bigendian picks the high byte of 16-bit samples', () => {
  for (const bigEndian of [false, true]) {
    const frame = makeFrame('mono16', 2, 1, (x) => [x === 0 ? 200 : 17, 0, 0], { bigEndian });
    assert.deepEqual([...packPixels(frame).data], [200, 17]);
    // Read with the opposite byte order, the samples come out as their low bytes (v×257 has both).
    const swapped = { ...frame, data: Buffer.from([0x12, 0x34, 0x56, 0x78]) };
    assert.deepEqual([...packPixels(swapped).data], bigEndian ? [0x12, 0x56] : [0x34, 0x78]);
  }
});

test('pixels: rgb8 without padding is passed through without a copy', () => {
  const frame = solidFrame('rgb8', W, H, [1, 2, 3]);
  const pixels = packPixels(frame);
  assert.equal(pixels.data.buffer, frame.data.buffer);
});

test('pixels: an unsupported encoding is named with the supported list', () => {
  const frame = { ...solidFrame('rgb8', W, H, [0, 0, 0]), encoding: 'yuv422' };
  assert.throws(() => packPixels(frame), {
    name: 'UnsupportedEncoding',
    message:
      'unsupported image encoding "yuv422"; supported: rgb8, bgr8, rgba8, bgra8, mono8, ' +
      'rgb16, bgr16, rgba16, bgra16, mono16',
  });
  assert.throws(() => packPixels(frame), UnsupportedEncodingError);
});

test('pixels: size, step and data length that disagree are refused with the reason', () => {
  const frame = solidFrame('bgr8', W, H, [0, 0, 0]);
  assert.throws(() => packPixels({ ...frame, step: 17 }), {
    name: 'MalformedFrame',
    message: 'step 17 is less than width × bytes per pixel (6 × 3 = 18)',
  });
  assert.throws(() => packPixels({ ...frame, data: frame.data.subarray(0, 50) }), {
    message: 'data holds 50 bytes; 4 rows of step 18 need 72',
  });
  assert.throws(() => packPixels({ ...frame, width: 0 }), MalformedFrameError);
});

/** The RGB bytes `makeFrame` was asked for, as plainly as they can be computed. */
function expectedRgb(width: number, height: number, colour: (x: number, y: number) => number[]) {
  const out: number[] = [];
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out.push(...colour(x, y));
  return out;
}

test('pixels: word-wise reordering matches per pixel for any size and any byte offset', () => {
  const colour = (x: number, y: number): [number, number, number] => [
    (x * 37 + y) % 256,
    (x * 11 + y * 5 + 100) % 256,
    (x * 3 + y * 71 + 200) % 256,
  ];
  for (const encoding of ['bgr8', 'bgra8', 'rgba8'])
    for (const [width, height] of [
      [1, 1],
      [3, 1],
      [5, 3],
      [7, 3],
      [9, 2],
      [16, 2],
    ])
      for (const offset of [0, 1, 2, 3]) {
        const frame = makeFrame(encoding, width, height, colour);
        // The pixels at an odd place in a larger message, as the image codec hands them over.
        const message = Buffer.alloc(frame.data.length + offset);
        frame.data.forEach((byte, i) => {
          message[offset + i] = byte;
        });
        const pixels = packPixels({ ...frame, data: message.subarray(offset) });
        assert.deepEqual(
          [...pixels.data],
          expectedRgb(width, height, colour),
          `${encoding} ${width}×${height} at offset ${offset}`,
        );
      }
});
