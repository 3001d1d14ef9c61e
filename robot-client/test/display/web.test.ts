import assert from 'node:assert/strict';
import { get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, test } from 'node:test';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import type { Display } from '../../src/display/display.js';
import { MAX_VIEWERS, startWebDisplay } from '../../src/display/web.js';
import type { FiguresSnapshot } from '../../src/figures.js';
import { encodeFrame } from '../../src/loop.js';
import { displayContext } from '../helpers/display-context.js';
import { solidFrame } from '../helpers/frames.js';
import { assertColour, meanColour } from '../helpers/images.js';
import { CHROMIUM, needsChromium } from '../helpers/needs.js';
import { sleep } from '../helpers/wait.js';

const opened: Display[] = [];
afterEach(async () => {
  for (const display of opened.splice(0)) await display.close();
});

async function start() {
  const rig = await displayContext();
  const display = await startWebDisplay(rig.context);
  opened.push(display);
  const listening = rig.lines.find((line) => line.msg === 'web display listening');
  const url = String(listening?.url);
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  return { ...rig, display, url };
}

const composite = async (rgb: [number, number, number], width = 64, height = 48) => {
  const source = solidFrame('rgb8', width, height, rgb);
  return { jpeg: await encodeFrame(source, 90), source };
};

/** Reads `count` JPEG parts from the MJPEG stream while `feed` shows composites (10 s at most). */
function readParts(url: string, count: number, feed: () => void): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const request = get(`${url}stream.mjpg`, (response) => {
      assert.equal(
        response.headers['content-type'],
        'multipart/x-mixed-replace; boundary=composite',
      );
      let buffer = Buffer.alloc(0);
      const parts: Buffer[] = [];
      response.on('data', (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          const head =
            /--composite\r\nContent-Type: image\/jpeg\r\nContent-Length: (\d+)\r\n\r\n/.exec(
              buffer.toString('latin1'),
            );
          if (!head) break;
          const start = head.index + head[0].length;
          const end = start + Number(head[1]);
          if (buffer.length < end + 2) break;
          parts.push(buffer.subarray(start, end));
          buffer = buffer.subarray(end + 2);
        }
        if (parts.length >= count) {
          clearTimeout(timer);
          response.destroy();
          resolve(parts.slice(0, count));
        }
      });
      feed();
    }).on('error', reject);
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error(`fewer than ${count} parts from ${url}stream.mjpg within 10 s`));
    }, 10_000);
  });
}

test('web display: /frame.jpg, /figures.json and the MJPEG stream carry the composites', async () => {
  const { display, url, figures } = await start();
  assert.equal((await fetch(`${url}frame.jpg`)).status, 503);
  const red = await composite([255, 0, 0]);
  const blue = await composite([0, 0, 255]);
  display.show(red);
  figures.recordReply(42);
  const frame = Buffer.from(await (await fetch(`${url}frame.jpg`)).arrayBuffer());
  assert.ok(frame.equals(red.jpeg));
  const snapshot = (await (await fetch(`${url}figures.json`)).json()) as FiguresSnapshot;
  assert.equal(snapshot.completed, 1);
  assert.deepEqual(snapshot.latencyMs, { p50: 42, p95: 42 });

  // A new viewer gets the newest composite at once, then each one shown.
  const parts = await readParts(url, 2, () => setTimeout(() => display.show(blue), 50));
  assert.ok(parts[0].equals(red.jpeg));
  assert.ok(parts[1].equals(blue.jpeg));
  assert.equal((await fetch(`${url}nothing`)).status, 404);
});

test('web display: headless Chromium loads the page and sees the composites change', {
  skip: needsChromium(),
}, async () => {
  const { display, url, figures } = await start();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage();
    let colour: [number, number, number] = [255, 0, 0];
    const feeder = setInterval(async () => {
      display.show(await composite(colour, 160, 120));
      figures.recordReply(30);
    }, 100);
    try {
      await page.goto(url);
      const image = page.locator('#composite');
      // Evaluated in the page.
      await page.waitForFunction(
        "document.getElementById('composite').naturalWidth === 160 && " +
          "document.getElementById('composite').naturalHeight === 120",
      );
      await page.waitForFunction("Number(document.getElementById('completed').textContent) > 3");
      assertColour(await meanColour(await image.screenshot()), [255, 0, 0], 30);
      colour = [0, 0, 255];
      await page.waitForTimeout(600);
      assertColour(await meanColour(await image.screenshot()), [0, 0, 255], 30);
      assert.match((await page.locator('#latency').textContent()) ?? '', /^30 ms \/ 30 ms$/);
      // The server state, as the loop sets it.
      assert.equal(await page.locator('#server').textContent(), 'connecting');
      figures.setServerState({
        type: 'backingOff',
        reason: 'Overloaded',
        failures: 3,
        retryInMs: 800,
      });
      await page.waitForFunction(
        "document.getElementById('server').textContent === " +
          "'backing off (Overloaded, 3 failed, retry in 800 ms)'",
      );
      figures.setServerState({ type: 'misconfigured', message: 'BadRequest: classes: "zebar"' });
      await page.waitForFunction(
        "document.getElementById('server').textContent === 'misconfigured: BadRequest: classes: \"zebar\"'",
      );
    } finally {
      clearInterval(feeder);
    }
  } finally {
    await browser.close();
  }
});

/** A viewer of /stream.mjpg that stops reading after its request: the slowest there is. */
async function stalledViewer(url: string): Promise<Socket> {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write('GET /stream.mjpg HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  socket.pause();
  return socket;
}

test('web display: a viewer that stops reading gets fewer frames, never a buffer of them', async (t) => {
  const { display, url } = await start();
  const viewer = await stalledViewer(url);
  await sleep(100);
  // 150 distinct composites of ~330 KB (noise at q100): 49 MB if all were queued.
  // The kernel's socket buffers on loopback hold a few MB of them whatever the server does.
  const noise = Buffer.alloc(640 * 400 * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
  const big = await sharp(noise, { raw: { width: 640, height: 400, channels: 3 } })
    .jpeg({ quality: 100 })
    .toBuffer();
  const { source } = await composite([0, 0, 0]);
  for (let i = 0; i < 150; i++) {
    display.show({ jpeg: Buffer.from(big), source });
    await sleep(5);
  }
  // Now it reads everything it was sent.
  let bytes = 0;
  viewer.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  viewer.resume();
  let seen = -1;
  while (bytes !== seen) {
    seen = bytes;
    await sleep(300);
  }
  viewer.destroy();
  const frames = bytes / big.length;
  t.diagnostic(`stalled viewer: sent ${frames.toFixed(1)} of 150 frames of ${big.length} bytes`);
  assert.ok(frames >= 1, `${bytes} bytes`);
  assert.ok(frames < 40, `the stalled viewer was sent ${frames.toFixed(1)} of 150 frames`);
});

test('web display: at its viewer limit, one more stream viewer gets 503', async () => {
  const { url } = await start();
  const viewers: Socket[] = [];
  try {
    for (let i = 0; i < MAX_VIEWERS; i++) viewers.push(await stalledViewer(url));
    await sleep(200);
    const refused = await fetch(`${url}stream.mjpg`);
    assert.equal(refused.status, 503);
    assert.equal(await refused.text(), `already ${MAX_VIEWERS} viewers\n`);
    // The page and the figures still answer.
    assert.equal((await fetch(`${url}figures.json`)).status, 200);
  } finally {
    for (const viewer of viewers) viewer.destroy();
  }
});
