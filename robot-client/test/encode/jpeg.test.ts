import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { decodeJpeg, encodeJpeg } from '../../src/encode/jpeg.js';
import { framePixels } from '../../src/encode/pixels.js';
import { encodeFrame } from '../../src/loop.js';
import { makeFrame, quadrants, solidFrame } from '../helpers/frames.js';
import { assertColour, meanColour } from '../helpers/images.js';

test('jpeg: a pure-red bgr8 frame becomes a red JPEG of the same size', async () => {
  const jpeg = await encodeFrame(solidFrame('bgr8', 64, 48, [255, 0, 0]), 90);
  const meta = await sharp(jpeg).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 64, 48]);
  assertColour(await meanColour(jpeg), [255, 0, 0], 12);
});

for (const encoding of ['rgb8', 'bgr8', 'rgba8', 'bgra8', 'bgr16'])
  for (const padding of [0, 5, 8])
    test(`jpeg: ${encoding} quadrants with ${padding} bytes of padding keep their colours and places`, async () => {
      const frame = makeFrame(encoding, 64, 48, quadrants(64, 48), { padding });
      const jpeg = await encodeJpeg(framePixels(frame), 90);
      const corner = (left: number, top: number) =>
        meanColour(jpeg, { left: left + 8, top: top + 6, width: 16, height: 12 });
      assertColour(await corner(0, 0), [255, 0, 0]);
      assertColour(await corner(32, 0), [0, 255, 0]);
      assertColour(await corner(0, 24), [0, 0, 255]);
      assertColour(await corner(32, 24), [255, 255, 255]);
    });

test('jpeg: a mono8 frame becomes a grey JPEG with its levels', async () => {
  const frame = makeFrame('mono8', 32, 16, (x) => [x < 16 ? 30 : 220, 0, 0], { padding: 3 });
  const jpeg = await encodeJpeg(framePixels(frame), 95);
  assert.equal((await sharp(jpeg).metadata()).channels, 1);
  const { data } = await sharp(jpeg).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  assert.ok(Math.abs(data[8 * 32 + 4] - 30) <= 3 && Math.abs(data[8 * 32 + 28] - 220) <= 3);
});

test('jpeg: decodeJpeg gives back packed RGB of the composite', async () => {
  const jpeg = await encodeFrame(solidFrame('rgb8', 40, 30, [0, 0, 255]), 90);
  const pixels = await decodeJpeg(jpeg);
  assert.deepEqual([pixels.width, pixels.height, pixels.channels], [40, 30, 3]);
  assert.ok(pixels.data[2] > 240 && pixels.data[0] < 15);
});

test('jpeg: bytes that are no JPEG fail with a named error keeping the cause', async () => {
  await assert.rejects(decodeJpeg(Buffer.from('not a jpeg')), (error: Error) => {
    assert.equal(error.name, 'JpegEncode');
    assert.equal(error.message, 'JPEG decoding of a 10-byte composite failed');
    assert.ok(error.cause instanceof Error);
    return true;
  });
});
