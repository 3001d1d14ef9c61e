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
  const parts: string[] = [];
  for (let i = instances.length - 1; i >= 0; i--) {
    const { box, label, score } = instances[i];
    const colour = instanceColour(i);
    const [x1, y1, x2, y2] = box;
    parts.push(
      `<rect x="${fmt(x1)}" y="${fmt(y1)}" width="${fmt(x2 - x1 + 1)}" height="${fmt(y2 - y1 + 1)}" ` +
        `fill="none" stroke="${css(colour)}" stroke-width="${stroke}"/>`,
    );
    cover(x1 - stroke, y1 - stroke, x2 + 1 + stroke, y2 + 1 + stroke);
    const text = `${label} ${score.toFixed(2)}`;
    const capW = Math.ceil(text.length * EM_PER_CHAR * fontSize) + 2 * stroke + 4;
    const capH = Math.round(fontSize * 1.35);
    // Above the box where there is room, else just inside its top edge; never off the image.
    const capX = Math.max(0, Math.min(Math.round(x1), width - capW));
    const capY = y1 >= capH ? Math.round(y1) - capH : Math.round(y1);
    parts.push(
      `<rect x="${capX}" y="${capY}" width="${capW}" height="${capH}" fill="${css(colour)}"/>` +
        `<text x="${capX + stroke + 2}" y="${capY + Math.round(fontSize * 1.05)}" ` +
        `fill="${css(textColourOn(colour))}">${escapeXml(text)}</text>`,
    );
    cover(capX, capY, capX + capW, capY + capH);
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
