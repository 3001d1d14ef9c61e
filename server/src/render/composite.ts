import { type EncodeOptions, encodeRgb } from '../image/codec.js';
import type { BoxMask, Instance, RgbImage } from '../inference/types.js';
import { overlaySvg } from './overlay-svg.js';
import { instanceColour, type Rgb } from './palette.js';

/** How much of the instance colour shows over the photo inside a mask, out of 256. */
const MASK_ALPHA = 115;

/**
 * Draws `instances` over `image`: each mask in its own translucent colour with an opaque
 * outline, then every box and "label 0.97" caption from one SVG overlay, and encodes the
 * result. Masks are blended in JS over their own windows only; `image` is not modified.
 *
 * @returns the JPEG or PNG bytes, the size of `image`.
 */
export async function renderComposite(
  image: RgbImage,
  instances: readonly Instance[],
  opts: EncodeOptions,
): Promise<Buffer> {
  const { width, height } = image;
  const pixels = Buffer.from(image.data);
  const outline = Math.min(2, Math.max(1, Math.round(Math.min(width, height) / 400)));
  instances.forEach((instance, i) => {
    if (instance.mask) paintMask(pixels, width, instance.mask, instanceColour(i), outline);
  });

  const overlay = instances.length > 0 ? overlaySvg(width, height, instances) : undefined;
  return encodeRgb({ width, height, data: pixels }, opts, overlay);
}

/**
 * Tints the mask's pixels with `colour` and paints, opaque, those within `outline` pixels
 * (along a row or column) of a pixel outside the mask.
 */
function paintMask(
  pixels: Buffer,
  imageWidth: number,
  mask: BoxMask,
  colour: Rgb,
  outline: number,
): void {
  const { x0, y0, width, height, data } = mask;
  const [r, g, b] = colour;
  const tintR = r * MASK_ALPHA;
  const tintG = g * MASK_ALPHA;
  const tintB = b * MASK_ALPHA;
  const keep = 256 - MASK_ALPHA;
  const inside = (x: number, y: number) =>
    x >= 0 && y >= 0 && x < width && y < height && data[y * width + x] === 1;

  for (let y = 0; y < height; y++) {
    let p = ((y0 + y) * imageWidth + x0) * 3;
    for (let x = 0; x < width; x++, p += 3) {
      if (data[y * width + x] === 0) continue;
      let edge = false;
      for (let d = 1; d <= outline && !edge; d++) {
        edge = !inside(x - d, y) || !inside(x + d, y) || !inside(x, y - d) || !inside(x, y + d);
      }
      if (edge) {
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
