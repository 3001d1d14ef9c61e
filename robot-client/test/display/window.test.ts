import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import type { Display } from '../../src/display/display.js';
import { startWindowDisplay, windowDisplayWith } from '../../src/display/window.js';
import { encodeFrame } from '../../src/loop.js';
import { displayContext } from '../helpers/display-context.js';
import { makeFrame, quadrants } from '../helpers/frames.js';
import { firstReason, needsOpenCv, needsXvfb } from '../helpers/needs.js';
import { startXvfb } from '../helpers/xvfb.js';

/** The screenshot test needs an X server to draw on and the optional OpenCV package. */
const underXvfb = firstReason(needsXvfb(), await needsOpenCv());

test('window display: without opencv4nodejs it fails with one error naming the package', async () => {
  const { context } = await displayContext();
  const start = windowDisplayWith(() => import('@u4/opencv4nodejs-not-installed' as string));
  const saved = process.env.DISPLAY;
  process.env.DISPLAY = ':0';
  try {
    await assert.rejects(start(context), (error: Error) => {
      assert.equal(error.name, 'DisplayUnavailable');
      assert.match(
        error.message,
        /^the window display needs the optional package @u4\/opencv4nodejs, which did not load \(Cannot find package '@u4\/opencv4nodejs-not-installed'.*\); install it with OPENCV4NODEJS_DISABLE_AUTOBUILD=1 npm install \(Debian: apt-get install libopencv-dev\), or choose another display \(~display: topic or web\)$/,
      );
      assert.ok(error.cause instanceof Error);
      return true;
    });
  } finally {
    process.env.DISPLAY = saved;
  }
});

test('window display: without an X display it says so', async () => {
  const { context } = await displayContext();
  const saved = process.env.DISPLAY;
  delete process.env.DISPLAY;
  try {
    await assert.rejects(startWindowDisplay(context), {
      name: 'DisplayUnavailable',
      message:
        'the window display needs an X display and DISPLAY is not set; run it under X ' +
        '(or xvfb-run), or choose another display (~display: topic or web)',
    });
  } finally {
    if (saved !== undefined) process.env.DISPLAY = saved;
  }
});

/** Bounding box of the screen's pixels close to `rgb`. */
async function boxOf(png: Buffer, rgb: number[]) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let [left, top, right, bottom] = [info.width, info.height, -1, -1];
  for (let y = 0; y < info.height; y++)
    for (let x = 0; x < info.width; x++) {
      const i = (y * info.width + x) * 3;
      if (rgb.every((v, c) => Math.abs(data[i + c] - v) < 40)) {
        left = Math.min(left, x);
        top = Math.min(top, y);
        right = Math.max(right, x);
        bottom = Math.max(bottom, y);
      }
    }
  return { left, top, width: right - left + 1, height: bottom - top + 1 };
}

test('window display: under Xvfb a screenshot shows the composite', {
  skip: underXvfb,
}, async () => {
  const screen = await startXvfb();
  const saved = process.env.DISPLAY;
  process.env.DISPLAY = screen.display;
  const { context } = await displayContext();
  let display: Display | undefined;
  try {
    display = await startWindowDisplay(context);
    const source = makeFrame('bgr8', 320, 240, quadrants(320, 240));
    display.show({ jpeg: await encodeFrame(source, 95), source });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const shot = await screen.screenshot();
    const red = await boxOf(shot, [255, 0, 0]);
    const green = await boxOf(shot, [0, 255, 0]);
    const blue = await boxOf(shot, [0, 0, 255]);
    // Each quadrant is 160×120 (±2 for JPEG edges), in its place relative to the red one.
    for (const box of [red, green, blue]) {
      assert.ok(
        Math.abs(box.width - 160) <= 2 && Math.abs(box.height - 120) <= 2,
        JSON.stringify(box),
      );
    }
    assert.ok(Math.abs(green.left - (red.left + 160)) <= 2 && Math.abs(green.top - red.top) <= 2);
    assert.ok(Math.abs(blue.top - (red.top + 120)) <= 2 && Math.abs(blue.left - red.left) <= 2);
  } finally {
    await display?.close();
    process.env.DISPLAY = saved;
    screen.stop();
  }
});
