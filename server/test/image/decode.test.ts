import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { DEFAULT_MAX_INPUT_PIXELS, decodeImage } from '../../src/image/decode.js';
import { ImageTooLargeError, InvalidImageError } from '../../src/inference/errors.js';
import { photo } from '../helpers.js';

const zebra = () => readFileSync(photo('000000000034.jpg'));

/** A valid 4×4 PNG whose header is rewritten to declare `width` × `height` (CRC fixed). */
async function pngDeclaring(width: number, height: number): Promise<Buffer> {
  const png = await sharp({
    create: { width: 4, height: 4, channels: 3, background: { r: 1, g: 2, b: 3 } },
  })
    .png()
    .toBuffer();
  // Signature (8) + IHDR length (4); the chunk type and data (17 bytes) are covered by the CRC.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

describe('decodeImage', () => {
  test('decodes a COCO JPEG into packed RGB of its stored size', async () => {
    const image = await decodeImage(zebra());
    assert.equal(image.width, 640);
    assert.equal(image.height, 425);
    assert.equal(image.data.length, 640 * 425 * 3);
  });

  test('turns greyscale PNG and RGBA WebP into 3-channel RGB', async () => {
    const grey = await sharp({
      create: { width: 5, height: 3, channels: 3, background: { r: 90, g: 90, b: 90 } },
    })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    const fromGrey = await decodeImage(grey);
    assert.deepEqual([...fromGrey.data.subarray(0, 3)], [90, 90, 90]);
    assert.equal(fromGrey.data.length, 5 * 3 * 3);

    const rgba = await sharp({
      create: {
        width: 2,
        height: 2,
        channels: 4,
        background: { r: 200, g: 10, b: 20, alpha: 0.5 },
      },
    })
      .webp({ lossless: true })
      .toBuffer();
    const fromRgba = await decodeImage(rgba);
    assert.equal(fromRgba.data.length, 2 * 2 * 3);
    assert.deepEqual([...fromRgba.data.subarray(0, 3)], [200, 10, 20]);
  });

  test('keeps the stored pixel order: the EXIF orientation is not applied', async () => {
    const rotated = await sharp({
      create: { width: 40, height: 20, channels: 3, background: { r: 0, g: 0, b: 0 } },
    })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const image = await decodeImage(rotated);
    assert.deepEqual([image.width, image.height], [40, 20]);
  });

  test('rejects empty input', async () => {
    await assert.rejects(decodeImage(new Uint8Array(0)), {
      name: 'InvalidImage',
      message: 'image is empty (0 bytes)',
    });
  });

  test('rejects bytes that are no image', async () => {
    const noise = Buffer.from('this is not an image, just some text of fifty bytes');
    await assert.rejects(decodeImage(noise), (err: Error) => {
      assert.ok(err instanceof InvalidImageError);
      assert.equal(
        err.message,
        'image is not JPEG, PNG or WebP (51 bytes starting 74 68 69 73 20 69 73 20)',
      );
      return true;
    });
  });

  test('rejects a header past the magic bytes that no decoder can read', async () => {
    const broken = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(40),
    ]);
    await assert.rejects(decodeImage(broken), {
      name: 'InvalidImage',
      message: /^image is not a readable png \(48 bytes\): /,
    });
  });

  test('rejects a truncated JPEG', async () => {
    const truncated = zebra().subarray(0, 200_000);
    await assert.rejects(decodeImage(truncated), (err: Error) => {
      assert.ok(err instanceof InvalidImageError);
      assert.match(
        err.message,
        /^jpeg image \(640×425, 200000 bytes\) failed to decode: VipsJpeg: premature end of JPEG image$/,
      );
      return true;
    });
  });

  test('rejects formats other than JPEG, PNG and WebP', async () => {
    const gif = await sharp({
      create: { width: 2, height: 2, channels: 3, background: { r: 1, g: 2, b: 3 } },
    })
      .gif()
      .toBuffer();
    await assert.rejects(decodeImage(gif), {
      name: 'InvalidImage',
      message: `image is not JPEG, PNG or WebP (${gif.length} bytes starting 47 49 46 38 39 61 02 00)`,
    });
  });

  test('never hands SVG, PDF or TIFF to a decoder: the magic bytes come first', async () => {
    // libvips would load each of these (SVG even fetches what it references).
    for (const text of [
      '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"><image href="file:///etc/passwd"/></svg>',
      '%PDF-1.4\n%âãÏÓ\n1 0 obj <<>> endobj',
      'II*\u0000\b\u0000\u0000\u0000',
    ]) {
      await assert.rejects(decodeImage(Buffer.from(text, 'latin1')), {
        name: 'InvalidImage',
        message: /^image is not JPEG, PNG or WebP \(\d+ bytes starting /,
      });
    }
  });

  test('rejects a 30000×30000 PNG from its header alone', async () => {
    // The file is 4×4 pixels of data: decoding it would fail differently, so this error can
    // only come from the header check.
    const huge = await pngDeclaring(30000, 30000);
    await assert.rejects(decodeImage(huge), (err: Error) => {
      assert.ok(err instanceof ImageTooLargeError);
      assert.equal(err.name, 'ImageTooLarge');
      assert.equal(
        err.message,
        'image is 30000×30000 = 900 megapixels; the limit is 50 megapixels',
      );
      return true;
    });
  });

  test('applies a configured pixel limit', async () => {
    assert.equal(DEFAULT_MAX_INPUT_PIXELS, 50_000_000);
    await assert.rejects(decodeImage(zebra(), { maxInputPixels: 250_000 }), {
      name: 'ImageTooLarge',
      message: 'image is 640×425 = 0.272 megapixels; the limit is 0.25 megapixels',
    });
    const image = await decodeImage(zebra(), { maxInputPixels: 640 * 425 });
    assert.equal(image.width, 640);
  });
});
