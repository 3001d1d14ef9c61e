import type { Instance } from '../inference/types.js';
import { instanceColour, type Rgb, textColourOn } from './palette.js';

/** Average advance of DejaVu Sans glyphs in lowercase text and digits, in ems. */
const EM_PER_CHAR = 0.62;

/**
 * One SVG, the size of the image, holding every instance's box and its "label 0.97" caption.
 * Drawn worst first so the best instance's caption ends on top. Caption size follows the
 * image's short side (13 px on a 640×400 frame) so it stays legible when the frame is shown
 * at its own size.
 */
export function overlaySvg(width: number, height: number, instances: readonly Instance[]): string {
  const fontSize = Math.min(Math.max(Math.round(Math.min(width, height) / 30), 12), 40);
  const stroke = Math.max(1, Math.round(fontSize / 7));
  const parts: string[] = [];
  for (let i = instances.length - 1; i >= 0; i--) {
    const { box, label, score } = instances[i];
    const colour = instanceColour(i);
    const [x1, y1, x2, y2] = box;
    parts.push(
      `<rect x="${fmt(x1)}" y="${fmt(y1)}" width="${fmt(x2 - x1 + 1)}" height="${fmt(y2 - y1 + 1)}" ` +
        `fill="none" stroke="${css(colour)}" stroke-width="${stroke}"/>`,
    );
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
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `font-family="DejaVu Sans" font-size="${fontSize}">${parts.join('')}</svg>`
  );
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
