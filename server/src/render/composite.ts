import { type EncodeOptions, encodeRgb } from '../image/codec.js';
import type { BoxMask, Instance, RgbImage } from '../inference/types.js';
import {
  type Caption,
  captionStyle,
  FONT_SIZES,
  placeCaptions,
  styleOfSize,
} from './caption-layout.js';
import { GlyphAtlas } from './glyph-atlas.js';
import { instanceColour, type Rgb, textColourOn } from './palette.js';

/** How much of the instance colour shows over the photo inside a mask, out of 256. */
const MASK_ALPHA = 115;

/**
 * Draws `instances` over `image` and encodes the result: each mask in its own translucent
 * colour with an opaque outline, then, worst instance first so that the best one's caption
 * ends on top, each box and its "label 0.97" caption. Everything is drawn straight into one
 * copy of the decoded pixels (captions from a {@link GlyphAtlas}), then encoded once; `image`
 * is not modified.
 *
 * @returns the JPEG or PNG bytes, the size of `image`.
 */
export async function renderComposite(
  image: RgbImage,
  instances: readonly Instance[],
  opts: EncodeOptions,
): Promise<Buffer> {
  return encodeRgb(await drawComposite(image, instances), opts);
}

/**
 * Rasterises the caption font at every size a frame can ask for, so that no call pays for it
 * (about 10 ms a size, and 80 ms to measure the glyphs once).
 */
export async function prepareCaptionFont(): Promise<void> {
  for (let size = FONT_SIZES.min; size <= FONT_SIZES.max; size++) {
    await GlyphAtlas.forStyle(styleOfSize(size));
  }
}

/** The composite's pixels, before encoding: what {@link renderComposite} encodes. */
export async function drawComposite(
  image: RgbImage,
  instances: readonly Instance[],
): Promise<RgbImage> {
  const { width, height } = image;
  // A Buffer: its copy is one memcpy, and sharp takes it as it is.
  const frame: RgbImage = { width, height, data: Buffer.from(image.data) };
  const outline = Math.min(2, Math.max(1, Math.round(Math.min(width, height) / 400)));
  instances.forEach((instance, i) => {
    if (instance.mask) paintMask(frame, instance.mask, instanceColour(i), outline);
  });
  if (instances.length === 0) return frame;

  const style = captionStyle(width, height);
  const atlas = await GlyphAtlas.forStyle(style);
  const captions = layoutCaptions(width, height, instances, atlas);
  for (let i = instances.length - 1; i >= 0; i--) {
    const colour = instanceColour(i);
    drawBox(frame, instances[i].box, colour, style.stroke);
    const { x, y, w, text } = captions[i];
    fillRect(frame, x, y, x + w, y + style.height, colour);
    atlas.draw(frame, text, x + style.stroke + 2, y, textColourOn(colour));
  }
  return frame;
}

/** Each instance's "label 0.97" caption and the band it goes in, best instance first. */
export function layoutCaptions(
  width: number,
  height: number,
  instances: readonly Instance[],
  atlas: GlyphAtlas,
): Array<Caption & { text: string }> {
  const style = captionStyle(width, height);
  const texts = instances.map(({ label, score }) => `${label} ${score.toFixed(2)}`);
  const bands = placeCaptions(
    instances.map(({ box }, i) => ({
      box,
      width: Math.ceil(atlas.textWidth(texts[i])) + 2 * style.stroke + 4,
    })),
    style.height,
    width,
    height,
  );
  return bands.map((band, i) => ({ ...band, text: texts[i] }));
}

/**
 * The box's outline, `stroke` pixels wide, centred on its edges (x1 and x2 + 1 under the +1
 * convention, so the outline encloses every pixel of the box).
 */
function drawBox(
  frame: RgbImage,
  [x1, y1, x2, y2]: readonly number[],
  colour: Rgb,
  stroke: number,
): void {
  const half = stroke / 2;
  const left = Math.round(x1 - half);
  const right = Math.round(x2 + 1 - half);
  const top = Math.round(y1 - half);
  const bottom = Math.round(y2 + 1 - half);
  fillRect(frame, left, top, right + stroke, top + stroke, colour);
  fillRect(frame, left, bottom, right + stroke, bottom + stroke, colour);
  fillRect(frame, left, top, left + stroke, bottom + stroke, colour);
  fillRect(frame, right, top, right + stroke, bottom + stroke, colour);
}

/** Fills columns x1..x2−1 of rows y1..y2−1, clipped to the frame. */
function fillRect(
  { data, width, height }: RgbImage,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  [r, g, b]: Rgb,
): void {
  const left = Math.max(0, x1);
  const right = Math.min(width, x2);
  for (let y = Math.max(0, y1); y < Math.min(height, y2); y++) {
    for (let p = (y * width + left) * 3, end = (y * width + right) * 3; p < end; p += 3) {
      data[p] = r;
      data[p + 1] = g;
      data[p + 2] = b;
    }
  }
}

/**
 * Tints the mask's pixels with `colour` and paints, opaque, those within `outline` pixels
 * (along a row or column) of a pixel outside the mask.
 */
function paintMask(frame: RgbImage, mask: BoxMask, colour: Rgb, outline: number): void {
  const pixels = frame.data;
  const { x0, y0, width, height, data } = mask;
  const [r, g, b] = colour;
  const tintR = r * MASK_ALPHA;
  const tintG = g * MASK_ALPHA;
  const tintB = b * MASK_ALPHA;
  const keep = 256 - MASK_ALPHA;
  const isEdge = (x: number, y: number, i: number) => {
    for (let d = 1; d <= outline; d++) {
      if (x < d || x + d >= width || y < d || y + d >= height) return true;
      if (data[i - d] === 0 || data[i + d] === 0) return true;
      if (data[i - d * width] === 0 || data[i + d * width] === 0) return true;
    }
    return false;
  };
  for (let y = 0, i = 0; y < height; y++) {
    let p = ((y0 + y) * frame.width + x0) * 3;
    for (let x = 0; x < width; x++, i++, p += 3) {
      if (data[i] === 0) continue;
      if (isEdge(x, y, i)) {
        pixels[p] = r;
        pixels[p + 1] = g;
        pixels[p + 2] = b;
      } else {
        pixels[p] = (pixels[p] * keep + tintR) >> 8;
        pixels[p + 1] = (pixels[p + 1] * keep + tintG) >> 8;
        pixels[p + 2] = (pixels[p + 2] * keep + tintB) >> 8;
      }
    }
  }
}
