import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import type { Instance, RgbImage } from '../../src/inference/types.js';
import { renderComposite } from '../../src/render/composite.js';
import { escapeXml, placeCaptions } from '../../src/render/overlay-svg.js';
import { instanceColour } from '../../src/render/palette.js';

const GREY = 120;

function greyImage(width: number, height: number): RgbImage {
  return { width, height, data: new Uint8Array(width * height * 3).fill(GREY) };
}

/** A box 10..89 holding a filled 30×30 square mask at 30..59. */
function squareInstance(label = 'cat'): Instance {
  return {
    classId: 16,
    label,
    score: 0.97,
    box: [10, 10, 89, 89],
    mask: { x0: 30, y0: 30, width: 30, height: 30, data: new Uint8Array(900).fill(1) },
  };
}

async function pixelsOf(encoded: Buffer) {
  const { data, info } = await sharp(encoded).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => [
    ...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3),
  ];
  return { info, at };
}

describe('renderComposite', () => {
  test('returns a PNG of the input size, tinted inside the mask, outlined, untouched far away', async () => {
    const image = greyImage(160, 120);
    const png = await renderComposite(image, [squareInstance()], { format: 'png' });
    const { info, at } = await pixelsOf(png);
    assert.deepEqual([info.format, info.width, info.height], ['raw', 160, 120]);
    assert.equal((await sharp(png).metadata()).format, 'png');

    const colour = instanceColour(0);
    // Inside: 45 % colour over the grey (integer blend, alpha 115/256).
    assert.deepEqual(
      at(45, 45),
      colour.map((c) => (GREY * 141 + c * 115) >> 8),
    );
    // The mask's edge is painted opaque.
    assert.deepEqual(at(30, 45), [...colour]);
    assert.deepEqual(at(59, 45), [...colour]);
    // Far from the box, caption and mask nothing changes.
    assert.deepEqual(at(150, 110), [GREY, GREY, GREY]);
    // The box outline is drawn in the instance colour.
    assert.deepEqual(at(10, 60), [...colour]);
  });

  test('draws the caption above the box: white text on the instance colour', async () => {
    const image = greyImage(160, 120);
    const boxed: Instance = { classId: 16, label: 'cat', score: 0.97, box: [10, 40, 89, 109] };
    const { at } = await pixelsOf(await renderComposite(image, [boxed], { format: 'png' }));
    // On this size the caption is 12 px type on a 16 px band: rows 24..39 above the box.
    const band = new Set<string>();
    for (let x = 12; x < 60; x++) for (let y = 24; y < 40; y++) band.add(at(x, y).join());
    assert.ok(band.has(instanceColour(0).join()), 'no caption fill');
    const white = [...band].some((c) => c.split(',').every((v) => Number(v) > 220));
    assert.ok(white, 'no white text');
    assert.deepEqual(at(30, 15), [GREY, GREY, GREY]);
  });

  test('encodes JPEG of the input size from a real-size frame', async () => {
    const image = greyImage(640, 400);
    const jpeg = await renderComposite(image, [squareInstance()], { format: 'jpeg', quality: 80 });
    const meta = await sharp(jpeg).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 640, 400]);
  });

  test('leaves the input image alone and encodes it as is without instances', async () => {
    const image = greyImage(50, 40);
    await renderComposite(image, [squareInstance()], { format: 'png' });
    assert.ok(image.data.every((v) => v === GREY));
    const { at } = await pixelsOf(await renderComposite(image, [], { format: 'png' }));
    assert.deepEqual(at(25, 20), [GREY, GREY, GREY]);
  });

  test('renders labels holding XML characters', async () => {
    const png = await renderComposite(greyImage(160, 120), [squareInstance('<b>&"\'')], {
      format: 'png',
    });
    assert.equal((await sharp(png).metadata()).width, 160);
  });
});

describe('escapeXml', () => {
  test('escapes the five XML special characters', () => {
    assert.equal(escapeXml(`a<b>&"c'`), 'a&#60;b&#62;&#38;&#34;c&#39;');
    assert.equal(escapeXml('teddy bear 0.97'), 'teddy bear 0.97');
  });
});

describe('placeCaptions', () => {
  const CAP_H = 17;
  /** Captions 70 px wide for these boxes, best first, on a 640×480 frame. */
  const place = (...boxes: number[][]) =>
    placeCaptions(
      boxes.map((box) => ({ box, text: 'cup 0.90', width: 70 })),
      CAP_H,
      640,
      480,
    );

  test('puts a caption above its box, or inside the top edge where there is no room above', () => {
    const [above, inside] = place([100, 100, 300, 300], [400, 5, 600, 300]);
    assert.deepEqual([above.x, above.y], [100, 100 - CAP_H]);
    assert.deepEqual([inside.x, inside.y], [400, 5]);
  });

  test("moves a caption down its box rather than cover a better instance's caption", () => {
    const [best, next] = place([100, 100, 300, 300], [120, 104, 250, 280]);
    assert.equal(best.y, 100 - CAP_H);
    assert.equal(next.y, 104, 'just inside its top edge, clear of the caption above');
    const [, , third] = place([100, 100, 300, 300], [120, 104, 250, 280], [110, 100, 260, 290]);
    assert.equal(third.y, 100 + 2 * CAP_H, 'below both, a caption height at a time');
  });

  test('keeps the preferred place when the box has no free one', () => {
    const [, squeezed] = place([100, 100, 300, 300], [110, 90, 200, 100]);
    assert.equal(squeezed.y, 90 - CAP_H);
  });
});
