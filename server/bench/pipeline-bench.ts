/**
 * Times the in-process pipeline (JPEG bytes → finished masks) and the composite render over
 * coco128 photos, per stage. Compare with MODEL.md's plain-JS reference: 0.148 s per image on
 * a 2-core machine, masks for every detection.
 *
 *   node server/dist/bench/pipeline-bench.js [--images 64] [--threads 2] [--score 0]
 *     [--provider cpu|cuda] [--out DIR]
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MaskRcnnPipeline } from '../src/inference/pipeline.js';
import { renderComposite } from '../src/render/composite.js';
import { COCO_DIR, MODEL_DIR } from '../test/helpers.js';
import { Stats } from './stats.js';

const REFERENCE_S = 0.148;

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '64' },
    threads: { type: 'string', default: String(availableParallelism()) },
    score: { type: 'string', default: '0' },
    provider: { type: 'string', default: 'cpu' },
    out: { type: 'string' },
  },
});
const provider = values.provider === 'cuda' ? 'cuda' : 'cpu';
const imagesDir = join(COCO_DIR, 'images');
const files = (await readdir(imagesDir)).sort().slice(0, Number(values.images));
const photos = await Promise.all(files.map((f) => readFile(join(imagesDir, f))));

const pipeline = await MaskRcnnPipeline.load(MODEL_DIR, {
  executionProvider: provider,
  threads: Number(values.threads),
});
await pipeline.warmUp();
const options = { scoreThreshold: Number(values.score), maxDetections: 100, masks: true };

const stats = new Stats();
let instances = 0;
if (values.out) await mkdir(values.out, { recursive: true });
for (const [i, bytes] of photos.entries()) {
  const started = performance.now();
  const result = await pipeline.run(bytes, options);
  const total = performance.now() - started;
  instances += result.instances.length;
  const shown = result.instances.filter((d) => d.score >= 0.5);
  const renderStarted = performance.now();
  const jpeg = await renderComposite(result.image, shown, { format: 'jpeg', quality: 85 });
  stats.add({ ...result.timingsMs, total, render: performance.now() - renderStarted });
  if (values.out && i < 8) await writeFile(join(values.out, files[i]), jpeg);
}
await pipeline.close();

const model = pipeline.describe();
console.log(
  `${model.name} on ${model.executionProvider}, ${model.threads} threads, ${photos.length} coco128 ` +
    `images, masks for every detection scoring ≥ ${options.scoreThreshold} ` +
    `(${(instances / photos.length).toFixed(1)} per image); render draws those ≥ 0.5`,
);
console.log(stats.table());
const meanS = stats.mean('total') / 1000;
console.log(
  `pipeline mean ${meanS.toFixed(3)} s/image, median ${(stats.median('total') / 1000).toFixed(3)} s ` +
    `(reference ${REFERENCE_S} s): ${meanS < REFERENCE_S ? 'faster' : 'SLOWER'}`,
);
