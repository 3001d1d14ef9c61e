import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import type { Instance, RgbImage } from '../../src/inference/types.js';
import { captionStyle, placeCaptions } from '../../src/render/caption-layout.js';
import { drawComposite, layoutCaptions, renderComposite } from '../../src/render/composite.js';
import { escapeXml, GlyphAtlas } from '../../src/render/glyph-atlas.js';
import { instanceColour, textColourOn } from '../../src/render/palette.js';
import { crowdedScene } from './scene.js';

/** The crowded scene as the SVG renderer this one replaced drew it (commit 8dfe03a), as PNG. */
const REFERENCE = new URL('../../../test/render/fixtures/reference-composite.png', import.meta.url);

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

  test('renders labels holding XML characters and letters outside ASCII', async () => {
    for (const label of ['<b>&"\'', 'café ☕']) {
      const png = await renderComposite(greyImage(160, 120), [squareInstance(label)], {
        format: 'png',
      });
      assert.equal((await sharp(png).metadata()).width, 160);
    }
  });

  test('clips boxes and captions that reach past every edge of a tiny frame', async () => {
    const wide: Instance = { classId: 1, label: 'person', score: 0.5, box: [-20, -20, 300, 300] };
    const frame = await drawComposite(greyImage(24, 16), [wide, squareInstance()]);
    assert.equal(frame.data.length, 24 * 16 * 3);
  });
});

describe('the composite against the SVG renderer it replaced', () => {
  test('matches it pixel by pixel within a tolerance on a crowded frame', async () => {
    const { image, instances } = crowdedScene();
    const drawn = (await drawComposite(image, instances)).data;
    const reference = await sharp(REFERENCE.pathname).raw().toBuffer();
    assert.equal(drawn.length, reference.length);
    // Masks, outlines and boxes are the same pixels; captions differ where their bands are now
    // as wide as the text measures (the SVG guessed 0.62 em a letter) and in glyph placement.
    const atlas = await GlyphAtlas.forStyle(captionStyle(image.width, image.height));
    const bands = layoutCaptions(image.width, image.height, instances, atlas);
    const inBand = (x: number, y: number) =>
      bands.some((b) => x >= b.x - 40 && x < b.x + b.w + 40 && y >= b.y - 2 && y < b.y + 26);
    let far = 0;
    let farOff = 0;
    let off = 0;
    let sum = 0;
    for (let y = 0, i = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++, i += 3) {
        const d = Math.max(
          Math.abs(drawn[i] - reference[i]),
          Math.abs(drawn[i + 1] - reference[i + 1]),
          Math.abs(drawn[i + 2] - reference[i + 2]),
        );
        sum += d;
        if (d > 32) off++;
        if (inBand(x, y)) continue;
        far++;
        if (d > 2) farOff++;
      }
    }
    const pixels = image.width * image.height;
    assert.ok(farOff / far < 0.002, `${farOff} of ${far} pixels away from captions differ`);
    assert.ok(sum / pixels < 4, `mean difference ${sum / pixels}`);
    assert.ok(off / pixels < 0.03, `${off} of ${pixels} pixels differ by more than 32`);
  });

  test('keeps every caption legible: its own band, contrasting text, not under another', async () => {
    const { image, instances } = crowdedScene();
    const frame = await drawComposite(image, instances);
    const style = captionStyle(image.width, image.height);
    const atlas = await GlyphAtlas.forStyle(style);
    const bands = layoutCaptions(image.width, image.height, instances, atlas);
    bands.forEach((band, i) => {
      for (const other of bands.slice(0, i)) {
        const overlap =
          band.x < other.x + other.w &&
          other.x < band.x + band.w &&
          band.y < other.y + style.height &&
          other.y < band.y + style.height;
        assert.ok(!overlap, `the caption of "${band.text}" covers a better one's`);
      }
      const fill = instanceColour(i);
      const ink = textColourOn(fill);
      assert.ok(contrast(fill, ink) >= 4.5, `"${band.text}": contrast ${contrast(fill, ink)}`);
      let blended = 0;
      let inked = 0;
      // The axis along which fill and ink differ most tells how far a pixel is from one to the other.
      const axis = [0, 1, 2].reduce((a, c) =>
        Math.abs(ink[c] - fill[c]) > Math.abs(ink[a] - fill[a]) ? c : a,
      );
      for (let y = band.y; y < band.y + style.height; y++) {
        for (let x = band.x; x < band.x + band.w; x++) {
          const p = (y * image.width + x) * 3;
          const t = (frame.data[p + axis] - fill[axis]) / (ink[axis] - fill[axis]);
          const onBlend = [0, 1, 2].every(
            (c) => Math.abs(frame.data[p + c] - (fill[c] + t * (ink[c] - fill[c]))) <= 2,
          );
          if (onBlend) blended++;
          if (onBlend && t > 0.5) inked++;
        }
      }
      // A band drawn over by nothing is its fill blended with its text, and each letter leaves ink.
      assert.equal(blended, band.w * style.height, `"${band.text}" band is drawn over`);
      assert.ok(inked > band.text.length * 6, `"${band.text}" has ${inked} ink pixels`);
    });
  });
});

/** The WCAG contrast ratio of two sRGB colours. */
function contrast(a: readonly number[], b: readonly number[]): number {
  const luminance = (rgb: readonly number[]) => {
    const [r, g, bl] = rgb.map((c) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

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
      boxes.map((box) => ({ box, width: 70 })),
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
