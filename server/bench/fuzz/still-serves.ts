/**
 * The check after an attack: one well-formed getMask of a real photo must come back as a JPEG
 * of the photo's own size. A server that lived through the fuzz but can no longer do its job
 * fails here. `Overloaded` is retried until the deadline: a queue still full of hostile work
 * that looked like honest work is no fault, as long as it drains.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { OverloadedError, VisionClient } from '@maskrcnn-zmq/shared';
import sharp from 'sharp';
import { photo } from '../../test/helpers.js';

export type Verdict = { ok: true; ms: number } | { ok: false; problem: string };

const ZEBRA = photo('000000000034.jpg');
const RETRY_AFTER_MS = 250;

/** getMask of the coco128 zebra within `timeoutMs`, checked: JPEG magic bytes, then the size sharp reads. */
export async function stillServes(endpoint: string, timeoutMs = 60_000): Promise<Verdict> {
  const client = new VisionClient({ endpoint, timeoutMs });
  const image = readFileSync(ZEBRA);
  const started = performance.now();
  const deadline = started + timeoutMs;
  try {
    let composite: Buffer | undefined;
    while (composite === undefined) {
      try {
        const left = Math.max(1, deadline - performance.now());
        composite = Buffer.from(await client.getMask(image, {}, { timeoutMs: left }));
      } catch (error) {
        if (!(error instanceof OverloadedError) || performance.now() > deadline) throw error;
        await sleep(RETRY_AFTER_MS);
      }
    }
    const ms = performance.now() - started;
    if (composite[0] !== 0xff || composite[1] !== 0xd8 || composite[2] !== 0xff) {
      const start = composite.subarray(0, 4).toString('hex');
      return { ok: false, problem: `the composite is not a JPEG (starts ${start})` };
    }
    const [sent, got] = await Promise.all([sharp(image).metadata(), sharp(composite).metadata()]);
    if (sent.width !== got.width || sent.height !== got.height) {
      return {
        ok: false,
        problem: `the composite is ${got.width}×${got.height}, the photo ${sent.width}×${sent.height}`,
      };
    }
    return { ok: true, ms };
  } catch (error) {
    const { name, message } = error as Error;
    return { ok: false, problem: `getMask failed: ${name}: ${message}` };
  } finally {
    client.close();
  }
}
