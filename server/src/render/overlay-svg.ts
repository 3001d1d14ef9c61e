import type { Instance } from '../inference/types.js';
import { instanceColour, type Rgb, textColourOn } from './palette.js';

/** Average advance of DejaVu Sans glyphs in lowercase text and digits, in ems. */
const EM_PER_CHAR = 0.62;

/** The overlay and where it goes: its top-left corner in image pixels. */
export interface Overlay {
  svg: string;
  left: number;
  top: number;
}

/**
 * One SVG holding every instance's box and its "label 0.97" caption, drawn worst first so
 * the best instance's caption ends on top. Caption size follows the image's short side
 * (13 px on a 640×400 frame) so it stays legible when the frame is shown at its own size.
 * The SVG covers only the region its drawings reach, because compositing costs per pixel
 * covered (10 ms for a whole 640×480 frame).
 */
export function overlaySvg(width: number, height: number, instances: readonly Instance[]): Overlay {
  const fontSize = Math.min(Math.max(Math.round(Math.min(width, height) / 30), 12), 40);
  const stroke = Math.max(1, Math.round(fontSize / 7));
  const bounds = { x1: width, y1: height, x2: 0, y2: 0 };
  const cover = (x1: number, y1: number, x2: number, y2: number) => {
    bounds.x1 = Math.min(bounds.x1, x1);
    bounds.y1 = Math.min(bounds.y1, y1);
    bounds.x2 = Math.max(bounds.x2, x2);
    bounds.y2 = Math.max(bounds.y2, y2);
  };
  const capH = Math.round(fontSize * 1.35);
  const captions = placeCaptions(
    instances.map(({ box, label, score }) => {
      const text = `${label} ${score.toFixed(2)}`;
      return { box, text, width: Math.ceil(text.length * EM_PER_CHAR * fontSize) + 2 * stroke + 4 };
    }),
    capH,
    width,
    height,
  );
  const parts: string[] = [];
  for (let i = instances.length - 1; i >= 0; i--) {
    const colour = instanceColour(i);
    const [x1, y1, x2, y2] = instances[i].box;
    parts.push(
      `<rect x="${fmt(x1)}" y="${fmt(y1)}" width="${fmt(x2 - x1 + 1)}" height="${fmt(y2 - y1 + 1)}" ` +
        `fill="none" stroke="${css(colour)}" stroke-width="${stroke}"/>`,
    );
    cover(x1 - stroke, y1 - stroke, x2 + 1 + stroke, y2 + 1 + stroke);
    const { x, y, w, text } = captions[i];
    parts.push(
      `<rect x="${x}" y="${y}" width="${w}" height="${capH}" fill="${css(colour)}"/>` +
        `<text x="${x + stroke + 2}" y="${y + Math.round(fontSize * 1.05)}" ` +
        `fill="${css(textColourOn(colour))}">${escapeXml(text)}</text>`,
    );
    cover(x, y, x + w, y + capH);
  }
  const left = Math.max(0, Math.floor(bounds.x1));
  const top = Math.max(0, Math.floor(bounds.y1));
  const right = Math.min(width, Math.ceil(bounds.x2));
  const bottom = Math.min(height, Math.ceil(bounds.y2));
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.max(1, right - left)}" ` +
    `height="${Math.max(1, bottom - top)}" font-family="DejaVu Sans" font-size="${fontSize}">` +
    `<g transform="translate(${-left} ${-top})">${parts.join('')}</g></svg>`;
  return { svg, left, top };
}

interface Caption {
  x: number;
  y: number;
  w: number;
  text: string;
}

/**
 * Where each caption goes, best instance first so that it gets the best place: above its box
 * where there is room, else just inside the top edge; a place that would cover a better
 * instance's caption moves down the box a caption's height at a time, and where the box has
 * no free place left the first one is kept. Never off the image.
 */
export function placeCaptions(
  wanted: readonly { box: readonly number[]; text: string; width: number }[],
  capH: number,
  width: number,
  height: number,
): Caption[] {
  const placed: Caption[] = [];
  const overlaps = (a: Caption) =>
    placed.some((b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + capH && b.y < a.y + capH);
  for (const { box, text, width: w } of wanted) {
    const [x1, y1, , y2] = box;
    const x = Math.max(0, Math.min(Math.round(x1), width - w));
    const first = y1 >= capH ? Math.round(y1) - capH : Math.round(y1);
    const lowest = Math.min(Math.round(y2) - capH, height - capH);
    const preferred: Caption = { x, y: Math.max(0, Math.min(first, height - capH)), w, text };
    let caption = preferred;
    for (let y = Math.round(y1); overlaps(caption) && y <= lowest; y += capH) {
      caption = { ...preferred, y };
    }
    if (overlaps(caption)) caption = preferred;
    placed.push(caption);
  }
  return placed;
}

/** Escapes the five XML special characters, so any label is safe inside the SVG. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function css([r, g, b]: Rgb): string {
  return `rgb(${r},${g},${b})`;
}

function fmt(v: number): string {
  return String(Math.round(v * 10) / 10);
}
