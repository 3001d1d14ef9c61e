import { inkWidth, rasteriseSvgAlpha } from '../image/codec.js';
import type { RgbImage } from '../inference/types.js';
import type { CaptionStyle } from './caption-layout.js';
import type { Rgb } from './palette.js';

const FONT_FAMILY = 'DejaVu Sans';
/** Printable ASCII: every COCO class name and score; anything else is drawn as '?'. */
const FIRST = 32;
const LAST = 126;
const FALLBACK = '?'.charCodeAt(0);
/** Advances are measured once at this size, in ems, and scaled to each caption size. */
const MEASURE_PX = 64;

/**
 * The caption font, rasterised once per type size: each printable ASCII glyph's coverage in
 * its own cell, and its advance. Drawing a caption is then copying cells into the frame, with
 * no text layout or SVG per frame.
 */
export class GlyphAtlas {
  private static readonly atlases = new Map<number, Promise<GlyphAtlas>>();
  private static advancesEm: Promise<Float64Array> | undefined;

  private constructor(
    /** Cell size; a glyph's pen position is `pad` pixels into its cell. */
    private readonly cellWidth: number,
    private readonly cellHeight: number,
    private readonly pad: number,
    /** Cells side by side, one row, glyph `c` in cell `c - FIRST`. */
    private readonly coverage: Uint8Array,
    private readonly advances: Float64Array,
  ) {}

  /** The atlas for captions in `style`, rasterised on first use (once per process and size). */
  static forStyle(style: CaptionStyle): Promise<GlyphAtlas> {
    let atlas = GlyphAtlas.atlases.get(style.fontSize);
    if (!atlas) {
      atlas = GlyphAtlas.rasterise(style);
      GlyphAtlas.atlases.set(style.fontSize, atlas);
    }
    return atlas;
  }

  /** The pen advance of `text`, in pixels. */
  textWidth(text: string): number {
    let width = 0;
    for (let i = 0; i < text.length; i++) width += this.advances[glyphIndex(text.charCodeAt(i))];
    return width;
  }

  /**
   * Blends `text` in `colour` into `frame`, the pen starting at `x` and the caption band's top
   * at `top`; clipped to the frame.
   */
  draw(frame: RgbImage, text: string, x: number, top: number, [r, g, b]: Rgb): void {
    const { data: pixels, width, height } = frame;
    const atlasWidth = this.cellWidth * (LAST - FIRST + 1);
    let pen = x;
    for (let i = 0; i < text.length; i++) {
      const glyph = glyphIndex(text.charCodeAt(i));
      const left = Math.round(pen) - this.pad;
      const cell = glyph * this.cellWidth;
      for (let cy = 0; cy < this.cellHeight; cy++) {
        const y = top + cy;
        if (y < 0 || y >= height) continue;
        const from = Math.max(0, -left);
        const to = Math.min(this.cellWidth, width - left);
        let a = cy * atlasWidth + cell + from;
        let p = (y * width + left + from) * 3;
        for (let cx = from; cx < to; cx++, a++, p += 3) {
          const alpha = this.coverage[a];
          if (alpha === 0) continue;
          const keep = 255 - alpha;
          pixels[p] = (pixels[p] * keep + r * alpha + 127) / 255;
          pixels[p + 1] = (pixels[p + 1] * keep + g * alpha + 127) / 255;
          pixels[p + 2] = (pixels[p + 2] * keep + b * alpha + 127) / 255;
        }
      }
      pen += this.advances[glyph];
    }
  }

  /** One cell per glyph, as tall as the caption band, the glyph on the band's baseline. */
  private static async rasterise(style: CaptionStyle): Promise<GlyphAtlas> {
    const { fontSize, height: cellHeight, baseline } = style;
    const pad = Math.ceil(fontSize * 0.25);
    const cellWidth = Math.ceil(fontSize * 1.1) + 2 * pad;
    const texts: string[] = [];
    for (let c = FIRST; c <= LAST; c++) {
      const x = (c - FIRST) * cellWidth + pad;
      texts.push(`<text x="${x}" y="${baseline}">${escapeXml(String.fromCharCode(c))}</text>`);
    }
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" width="${cellWidth * (LAST - FIRST + 1)}" ` +
      `height="${cellHeight}" font-family="${FONT_FAMILY}" font-size="${fontSize}" fill="#fff">` +
      `${texts.join('')}</svg>`;
    const [alpha, em] = await Promise.all([rasteriseSvgAlpha(svg), GlyphAtlas.measureAdvances()]);
    const advances = em.map((advance) => advance * fontSize);
    return new GlyphAtlas(cellWidth, cellHeight, pad, alpha.data, advances);
  }

  /**
   * Each glyph's advance in ems. Text rasterised on its own comes cropped to its ink, so the
   * advance of `c` is the ink width of "HcH" less that of "HH" (H's straight sides do not kern).
   */
  private static measureAdvances(): Promise<Float64Array> {
    GlyphAtlas.advancesEm ??= (async () => {
      const font = `${FONT_FAMILY} ${MEASURE_PX}px`;
      const pair = await inkWidth('HH', font);
      const advances = new Float64Array(LAST - FIRST + 1);
      for (let c = FIRST; c <= LAST; c++) {
        const text = `H${escapeXml(String.fromCharCode(c))}H`;
        advances[c - FIRST] = ((await inkWidth(text, font)) - pair) / MEASURE_PX;
      }
      return advances;
    })();
    return GlyphAtlas.advancesEm;
  }
}

function glyphIndex(code: number): number {
  return (code >= FIRST && code <= LAST ? code : FALLBACK) - FIRST;
}

/** Escapes the five XML special characters (Pango markup and SVG are both XML). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
