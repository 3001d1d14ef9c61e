import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type FramePixels,
  framePixels,
  MalformedFrameError,
  type PixelOrder,
  UnsupportedEncodingError,
} from '../../src/encode/pixels.js';
import { makeFrame, quadrants, solidFrame } from '../helpers/frames.js';

const W = 6;
const H = 4;

const SAMPLES: Record<PixelOrder, number> = { grey: 1, rgb: 3, bgr: 3, rgbx: 4, bgrx: 4 };

/** The R G B (or grey) value at (x, y), whatever order the pixels are in. */
function at(pixels: FramePixels, x: number, y: number): number[] {
  const samples = SAMPLES[pixels.order];
  const i = (y * pixels.stride + x) * samples;
  const pixel = [...pixels.data.subarray(i, i + samples)];
  if (pixels.order === 'grey') return pixel;
  const [first, green, third] = pixel;
  return pixels.order.startsWith('bgr') ? [third, green, first] : [first, green, third];
}

/** Every pixel's R G B (or grey) values in a row. */
function all(pixels: FramePixels): number[] {
  const out: number[] = [];
  for (let y = 0; y < pixels.height; y++)
    for (let x = 0; x < pixels.width; x++) out.push(...at(pixels, x, y));
  return out;
}

for (const encoding of [
  'rgb8',
  'bgr8',
  'rgba8',
  'bgra8',
  '8UC3',
  '8UC4',
  'rgb16',
  'bgr16',
  'rgba16',
  'bgra16',
]) {
  for (const padding of [0, 5, 24]) {
    test(`pixels: ${encoding} with ${padding} bytes of row padding keeps every colour in place`, () => {
      const pixels = framePixels(makeFrame(encoding, W, H, quadrants(W, H), { padding }));
      assert.deepEqual([pixels.width, pixels.height], [W, H]);
      assert.ok(pixels.order !== 'grey');
      assert.deepEqual(at(pixels, 0, 0), [255, 0, 0]);
      assert.deepEqual(at(pixels, W - 1, 0), [0, 255, 0]);
      assert.deepEqual(at(pixels, 0, H - 1), [0, 0, 255]);
      assert.deepEqual(at(pixels, W - 1, H - 1), [255, 255, 255]);
    });
  }
}

for (const encoding of ['mono8', '8UC1', 'mono16']) {
  test(`pixels: ${encoding} with row padding packs to grey`, () => {
    const frame = makeFrame(encoding, W, H, (x, y) => [x * 40 + y, 0, 0], { padding: 3 });
    const pixels = framePixels(frame);
    assert.equal(pixels.order, 'grey');
    assert.deepEqual(at(pixels, 5, 3), [203]);
    assert.deepEqual(at(pixels, 1, 2), [42]);
  });
}

/** A 16-bit frame from its samples as a driver writes them, in the given byte order. */
function frame16(
  encoding: string,
  width: number,
  samples: number[],
  bigEndian = false,
): ReturnType<typeof makeFrame> {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((v, i) => {
    if (bigEndian) data.writeUInt16BE(v, i * 2);
    else data.writeUInt16LE(v, i * 2);
  });
  const height = samples.length / (width * (encoding.startsWith('mono') ? 1 : encoding.length - 2));
  return {
    ...makeFrame('mono8', 1, 1, () => [0, 0, 0]),
    encoding,
    width,
    height,
    step: data.length / height,
    isBigEndian: bigEndian,
    data,
  };
}

test('pixels: is_bigendian gives the byte order of 16-bit samples', () => {
  // 12-bit samples 4095 and 2048: bytes 0F FF 08 00 big-endian, FF 0F 00 08 little-endian.
  const big = frame16('mono16', 2, [4095, 2048], true);
  assert.deepEqual([...big.data], [0x0f, 0xff, 0x08, 0x00]);
  const little = frame16('mono16', 2, [4095, 2048]);
  assert.deepEqual([...little.data], [0xff, 0x0f, 0x00, 0x08]);
  for (const frame of [big, little]) assert.deepEqual([...framePixels(frame).data], [255, 128]);
  // The same bytes read in the other order are other samples (0xFF0F, 0x0008): 16 bits.
  assert.deepEqual([...framePixels({ ...big, isBigEndian: false }).data], [254, 0]);
});

test('pixels: 16-bit samples that use 16 bits are scaled as cv_bridge does (255/65535)', () => {
  const samples = [0, 1, 128, 129, 257, 32767, 32768, 40000, 65279, 65535];
  const pixels = framePixels(frame16('mono16', samples.length, samples));
  // cv_bridge: image.convertTo(out, CV_8U, 255. / 65535.), rounding to nearest.
  assert.deepEqual(
    [...pixels.data],
    samples.map((v) => Math.round((v * 255) / 65535)),
  );
  assert.deepEqual([...pixels.data], [0, 0, 0, 1, 1, 127, 128, 156, 254, 255]);
});

test('pixels: 10- and 12-bit sensors fill 0..255 instead of the bottom 4 or 16 levels', () => {
  // A 12-bit mono camera: black, a quarter, half, full scale.
  const twelve = framePixels(frame16('mono16', 4, [0, 1024, 2048, 4095]));
  assert.deepEqual([...twelve.data], [0, 64, 128, 255]);
  // A 10-bit one, little-endian as x86 drivers write it.
  const ten = framePixels(frame16('mono16', 4, [0, 256, 512, 1023]));
  assert.deepEqual([...ten.data], [0, 64, 128, 255]);
  // cv_bridge's plain conversion would give [0, 4, 8, 16] and [0, 1, 2, 4].
});

test('pixels: 12-bit colour keeps its channel ratios; alpha neither shows nor sets the scale', () => {
  // bgra16, one pixel: B 1023, G 2047, R 4095, alpha 65535 (opaque, full 16 bits).
  const bgra = framePixels(frame16('bgra16', 1, [1023, 2047, 4095, 65535]));
  assert.deepEqual([bgra.order, ...bgra.data], ['rgb', 255, 127, 64]);
  // rgba16, big-endian: R 4095, G 0, B 2048, alpha 0.
  const rgba = framePixels(frame16('rgba16', 1, [4095, 0, 2048, 0], true));
  assert.deepEqual([...rgba.data], [255, 0, 128]);
  // bgr16 with two pixels: the frame's brightest sample (3000 < 4096) sets 12 bits for both.
  const bgr = framePixels(frame16('bgr16', 2, [0, 0, 3000, 4, 8, 16]));
  assert.deepEqual([...bgr.data], [187, 0, 0, 1, 0, 0]);
});

test('pixels: a dark 16-bit frame is scaled by the depth of its brightest sample, at least 8 bits', () => {
  assert.deepEqual([...framePixels(frame16('mono16', 3, [0, 100, 255])).data], [0, 100, 255]);
  assert.deepEqual([...framePixels(frame16('mono16', 2, [0, 0])).data], [0, 0]);
  assert.deepEqual([...framePixels(frame16('mono16', 2, [300, 511])).data], [150, 255]);
});

test('pixels: OpenCV type names read as cv_bridge reads them (8UC3 is BGR)', () => {
  const bgr = makeFrame('bgr8', 2, 1, (x) => (x === 0 ? [10, 20, 30] : [40, 50, 60]));
  assert.deepEqual(all(framePixels({ ...bgr, encoding: '8UC3' })), [10, 20, 30, 40, 50, 60]);
  const grey = makeFrame('mono8', 2, 1, (x) => [x === 0 ? 7 : 200, 0, 0]);
  assert.deepEqual(all(framePixels({ ...grey, encoding: '8UC1' })), [7, 200]);
  const bgra = makeFrame('bgra8', 1, 1, () => [1, 2, 3]);
  assert.deepEqual(all(framePixels({ ...bgra, encoding: '8UC4' })), [1, 2, 3]);
});

test('pixels: 8-bit frames whose padding is whole pixels are handed over without a copy', () => {
  for (const [encoding, padding, stride] of [
    ['rgb8', 0, W],
    ['bgr8', 6, W + 2],
    ['bgra8', 0, W],
    ['bgra8', 8, W + 2],
    ['mono8', 3, W + 3],
  ] as const) {
    const frame = makeFrame(encoding, W, H, quadrants(W, H), { padding });
    const pixels = framePixels(frame);
    assert.equal(pixels.data, frame.data, encoding);
    assert.equal(pixels.stride, stride, encoding);
  }
  // 5 bytes are not a whole B G R pixel: the rows are copied, tight.
  const copied = framePixels(makeFrame('bgr8', W, H, quadrants(W, H), { padding: 5 }));
  assert.deepEqual([copied.order, copied.stride, copied.data.length], ['bgr', W, W * H * 3]);
});

test('pixels: an unsupported encoding is named with the supported list', () => {
  const frame = { ...solidFrame('rgb8', W, H, [0, 0, 0]), encoding: 'yuv422' };
  assert.throws(() => framePixels(frame), {
    name: 'UnsupportedEncoding',
    message:
      'unsupported image encoding "yuv422"; supported: rgb8, bgr8, rgba8, bgra8, mono8, ' +
      'rgb16, bgr16, rgba16, bgra16, mono16, 8UC1, 8UC3, 8UC4',
  });
  assert.throws(() => framePixels(frame), UnsupportedEncodingError);
});

test('pixels: size, step and data length that disagree are refused with the reason', () => {
  const frame = solidFrame('bgr8', W, H, [0, 0, 0]);
  assert.throws(() => framePixels({ ...frame, step: 17 }), {
    name: 'MalformedFrame',
    message: 'step 17 is less than width × bytes per pixel (6 × 3 = 18)',
  });
  assert.throws(() => framePixels({ ...frame, data: frame.data.subarray(0, 50) }), {
    message: 'data holds 50 bytes; 4 rows of step 18 need 72',
  });
  assert.throws(() => framePixels({ ...frame, width: 0 }), MalformedFrameError);
});
