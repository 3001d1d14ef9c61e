/** Sizes of the boxes' outlines and captions for one frame. */
export interface CaptionStyle {
  /** Caption type size in pixels. */
  fontSize: number;
  /** Box outline width, and the caption's inner margin unit. */
  stroke: number;
  /** Caption band height. */
  height: number;
  /** Baseline of the text below the band's top. */
  baseline: number;
}

/** The caption type sizes, in pixels: from small frames to large ones. */
export const FONT_SIZES = { min: 12, max: 40 } as const;

/**
 * The caption size follows the image's short side (16 px type on a 640×480 frame) so that it
 * stays legible when the frame is shown at its own size.
 */
export function captionStyle(width: number, height: number): CaptionStyle {
  const size = Math.round(Math.min(width, height) / 30);
  return styleOfSize(Math.min(Math.max(size, FONT_SIZES.min), FONT_SIZES.max));
}

export function styleOfSize(fontSize: number): CaptionStyle {
  return {
    fontSize,
    stroke: Math.max(1, Math.round(fontSize / 7)),
    height: Math.round(fontSize * 1.35),
    baseline: Math.round(fontSize * 1.05),
  };
}

/** A caption band's place: its top-left corner and width. */
export interface Caption {
  x: number;
  y: number;
  w: number;
}

/**
 * Where each caption goes, best instance first so that it gets the best place: above its box
 * where there is room, else just inside the top edge; a place that would cover a better
 * instance's caption moves down the box a caption's height at a time, and where the box has
 * no free place left the first one is kept. Never off the image.
 */
export function placeCaptions(
  wanted: readonly { box: readonly number[]; width: number }[],
  capH: number,
  width: number,
  height: number,
): Caption[] {
  const placed: Caption[] = [];
  const overlaps = (a: Caption) =>
    placed.some((b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + capH && b.y < a.y + capH);
  for (const { box, width: w } of wanted) {
    const [x1, y1, , y2] = box;
    const x = Math.max(0, Math.min(Math.round(x1), width - w));
    const first = y1 >= capH ? Math.round(y1) - capH : Math.round(y1);
    const lowest = Math.min(Math.round(y2) - capH, height - capH);
    const preferred: Caption = { x, y: Math.max(0, Math.min(first, height - capH)), w };
    let caption = preferred;
    for (let y = Math.round(y1); overlaps(caption) && y <= lowest; y += capH) {
      caption = { ...preferred, y };
    }
    if (overlaps(caption)) caption = preferred;
    placed.push(caption);
  }
  return placed;
}
