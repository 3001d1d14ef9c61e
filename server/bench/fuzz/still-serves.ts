/**
 * The check after an attack: one well-formed getMask of a real photo must come back as a JPEG
 * of the photo's own size. A server that lived through the fuzz but can no longer do its job
 * fails here.
 */
import { readFileSync } from 'node:fs';
import { VisionClient } from '@maskrcnn-zmq/shared';
import sharp from 'sharp';
import { photo } from '../../test/helpers.js';

export type Verdict = { ok: true; ms: number } | { ok: false; problem: string };

const ZEBRA = photo('000000000034.jpg');

/** getMask of the coco128 zebra, checked: JPEG magic bytes, then the size sharp reads. */
export async function stillServes(endpoint: string, timeoutMs = 60_000): Promise<Verdict> {
  const client = new VisionClient({ endpoint, timeoutMs });
  const image = readFileSync(ZEBRA);
  const started = performance.now();
  try {
    const composite = Buffer.from(await client.getMask(image));
    const ms = performance.now() - started;
    if (composite[0] !== 0xff || composite[1] !== 0xd8 || composite[2] !== 0xff) {
      return {
        ok: false,
        problem: `the composite is not a JPEG (starts ${composite.subarray(0, 4).toString('hex')})`,
      };
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
    return {
      ok: false,
      problem: `getMask failed: ${(error as Error).name}: ${(error as Error).message}`,
    };
  } finally {
    client.close();
  }
}
