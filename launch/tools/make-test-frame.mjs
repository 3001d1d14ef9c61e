// Writes launch/test_frame.png, demo.launch's default camera when no photo:= is given: a
// 640×400 frame (Baxter's hand camera size) of colour bars, a grey ramp and a caption, so the
// loop runs and every display shows something with no photo at hand. It shows no object the
// model knows, so the composite carries no masks: give photo:= for a real scene.
// Made here, with no third-party material; Apache-2.0 like the rest of the repository.
//   node launch/tools/make-test-frame.mjs     (from the repository root, after npm ci)
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const WIDTH = 640;
const HEIGHT = 400;
const OUT = fileURLToPath(new URL('../test_frame.png', import.meta.url));

// Seven 75 % colour bars, as on a broadcast test card: grey, yellow, cyan, green, magenta, red, blue.
const BARS = ['#bfbfbf', '#bfbf00', '#00bfbf', '#00bf00', '#bf00bf', '#bf0000', '#0000bf'];
const barWidth = WIDTH / BARS.length;
const bars = BARS.map(
  (colour, i) =>
    `<rect x="${i * barWidth}" y="0" width="${barWidth + 1}" height="240" fill="${colour}"/>`,
).join('');
// A grey ramp in 16 steps, black to white.
const ramp = Array.from({ length: 16 }, (_, i) => {
  const level = Math.round((i * 255) / 15);
  return `<rect x="${i * 40}" y="240" width="41" height="60" fill="rgb(${level},${level},${level})"/>`;
}).join('');
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">
  ${bars}${ramp}
  <rect x="0" y="300" width="${WIDTH}" height="100" fill="#202020"/>
  <text x="20" y="340" font-family="DejaVu Sans, sans-serif" font-size="24" fill="#ffffff">maskrcnn_zmq demo: test frame</text>
  <text x="20" y="375" font-family="DejaVu Sans Mono, monospace" font-size="16" fill="#c0c0c0">roslaunch maskrcnn_zmq demo.launch photo:=/path/photo.jpg</text>
</svg>`;

const info = await sharp(Buffer.from(svg))
  .flatten({ background: '#000000' })
  .png({ palette: true, colours: 64, compressionLevel: 9, effort: 10 })
  .toFile(OUT);
console.log(`${OUT}: ${info.width}×${info.height}, ${info.size} bytes`);
