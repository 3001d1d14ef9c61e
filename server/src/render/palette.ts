/** An sRGB colour, 0..255 per channel. */
export type Rgb = readonly [number, number, number];

/**
 * Saturated, mutually distinct colours (Tableau 10 plus two), chosen by instance index so
 * neighbouring instances of one class still differ.
 */
const PALETTE: readonly Rgb[] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [188, 189, 34],
  [23, 190, 207],
  [255, 215, 0],
  [0, 128, 128],
  [127, 127, 127],
];

/** The colour of the `index`-th instance (cycles after 12). */
export function instanceColour(index: number): Rgb {
  return PALETTE[index % PALETTE.length];
}

/** Black or white, whichever reads better on `background` (WCAG relative luminance). */
export function textColourOn(background: Rgb): Rgb {
  const [r, g, b] = background.map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.179 ? [0, 0, 0] : [255, 255, 255];
}
