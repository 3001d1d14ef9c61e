import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import type { VisionServer } from '../../src/server.js';
import { photo, SMOKE_IMAGES, skipUnless } from '../helpers.js';
import { startHttpServer } from './http-support.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WITHOUT_CHROMIUM = skipUnless(
  existsSync(CHROMIUM),
  `a browser at ${CHROMIUM} (apt-get install chromium)`,
);

/** How varied an image's pixels are: the mean of its channels' standard deviations. */
async function spread(png: Buffer): Promise<number> {
  const { channels } = await sharp(png).stats();
  return channels.slice(0, 3).reduce((sum, channel) => sum + channel.stdev, 0) / 3;
}

/**
 * The live page in headless Chromium:
 *
 *   GET /  → pick a photo → one /v2 infer (binary image in, composite + detections out)
 *            → the composite shown, the table filled
 *   camera (a fake device playing coco128 photos as MJPEG) → /v1/getMask, one call in flight,
 *            the newest frame each time → ≥ 3 composites a second, counted on the page
 */
describe('HTTP door: the live page', { skip: WITHOUT_CHROMIUM }, () => {
  let server: VisionServer;
  let url: string;
  let dir: string;
  let camera: string;

  before(async () => {
    ({ server, url } = await startHttpServer());
    dir = await mkdtemp(join(tmpdir(), 'http-page-'));
    // Chromium's fake camera plays an MJPEG file: JPEG frames one after another, all one size.
    const frames = await Promise.all(
      Object.keys(SMOKE_IMAGES).map((file) =>
        sharp(photo(file)).resize(640, 480, { fit: 'fill' }).jpeg({ quality: 80 }).toBuffer(),
      ),
    );
    camera = join(dir, 'camera.mjpeg');
    await writeFile(camera, Buffer.concat(frames.flatMap((frame) => Array(6).fill(frame))));
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true });
  });

  it('shows the composite and the detections of a picked photo, then the live camera at ≥ 3 fps', async (t) => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
        `--use-file-for-fake-video-capture=${camera}`,
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await page.setInputFiles('#file', photo('000000000034.jpg'));
      await page.waitForFunction(
        "document.querySelectorAll('#detections tr').length > 0 && document.getElementById('composite').naturalWidth === 640",
        undefined,
        { timeout: 30_000 },
      );
      const firstRow = await page.locator('#detections tr').first().locator('td').allTextContents();
      assert.equal(firstRow[0], 'zebra');
      assert.ok(Number(firstRow[1]) > 0.9, firstRow.join(' | '));
      assert.equal(await page.locator('#status').textContent(), '');

      await page.click('#camera');
      await page.waitForFunction(
        "Number(document.getElementById('frames').textContent) >= 2",
        undefined,
        {
          timeout: 30_000,
        },
      );
      const frames = async () => Number(await page.locator('#frames').textContent());
      const from = await frames();
      const started = performance.now();
      await page.waitForTimeout(3000);
      const perSecond = ((await frames()) - from) / ((performance.now() - started) / 1000);
      t.diagnostic(`camera: ${perSecond.toFixed(1)} composites a second`);
      assert.ok(perSecond >= 3, `${perSecond.toFixed(1)} composites a second`);
      assert.ok(Number(await page.locator('#fps').textContent()) >= 3, 'the page shows its fps');
      assert.ok(
        Number(await page.locator('#rtt').textContent()) > 0,
        'the page shows the round trip',
      );
      assert.equal(await page.locator('#status').textContent(), '');
      const shot = await page.locator('#composite').screenshot();
      assert.ok((await spread(shot)) > 20, 'the composite is a picture, not a blank');
      assert.equal(await page.evaluate("document.getElementById('composite').naturalWidth"), 640);
    } finally {
      await browser.close();
    }
  });
});
