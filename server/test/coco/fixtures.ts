import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The material beside the checkout (tests run from server/dist/test/coco/). */
const SHARED = fileURLToPath(new URL('../../../../../shared/', import.meta.url));
export const COCO128_INSTANCES = `${SHARED}testdata/coco128/instances.json`;
export const REFERENCE_DETECTIONS = `${SHARED}models/maskrcnn2go/reference/coco128-detections.json`;

if (!existsSync(COCO128_INSTANCES) || !existsSync(REFERENCE_DETECTIONS)) {
  throw new Error(`the COCO tests need ${COCO128_INSTANCES} and ${REFERENCE_DETECTIONS}`);
}

/**
 * The oracle: pycocotools' `rleEncode` done the slow, obvious way over a whole row-major
 * mask, reading it column by column and closing a run at every change of value.
 */
export function slowEncode(mask: Uint8Array, height: number, width: number): number[] {
  const counts: number[] = [];
  let previous = 0;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const value = mask[y * width + x] ? 1 : 0;
      if (value !== previous) {
        counts.push(run);
        run = 0;
        previous = value;
      }
      run++;
    }
  }
  counts.push(run);
  return counts;
}

/** A deterministic pseudo-random source (mulberry32) so failures reproduce. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
