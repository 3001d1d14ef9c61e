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
import type { StageTimingsMs } from '../src/inference/types.js';
import { renderComposite } from '../src/render/composite.js';

const REFERENCE_S = 0.148;
const SHARED = process.env.MASKRCNN_SHARED_DIR ?? '/work/shared';

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
const imagesDir = join(SHARED, 'testdata/coco128/images');
const files = (await readdir(imagesDir)).sort().slice(0, Number(values.images));
const photos = await Promise.all(files.map((f) => readFile(join(imagesDir, f))));

const pipeline = await MaskRcnnPipeline.load(join(SHARED, 'models/maskrcnn2go/onnx'), {
  executionProvider: provider,
  threads: Number(values.threads),
});
await pipeline.warmUp();
const options = {
  scoreThreshold: Number(values.score),
  maxDetections: 100,
  masks: true,
};

const stages: Record<keyof StageTimingsMs | 'total' | 'render', number[]> = {
  decode: [],
  preprocess: [],
  model: [],
  postprocess: [],
  masks: [],
  total: [],
  render: [],
};
let instances = 0;
if (values.out) await mkdir(values.out, { recursive: true });
for (const [i, bytes] of photos.entries()) {
  const started = performance.now();
  const result = await pipeline.run(bytes, options);
  stages.total.push(performance.now() - started);
  for (const [stage, ms] of Object.entries(result.timingsMs)) {
    stages[stage as keyof StageTimingsMs].push(ms);
  }
  instances += result.instances.length;
  const shown = result.instances.filter((d) => d.score >= 0.5);
  const renderStarted = performance.now();
  const jpeg = await renderComposite(result.image, shown, { format: 'jpeg', quality: 85 });
  stages.render.push(performance.now() - renderStarted);
  if (values.out && i < 8) await writeFile(join(values.out, files[i]), jpeg);
}
await pipeline.close();

const model = pipeline.describe();
console.log(
  `${model.name} on ${model.executionProvider}, ${model.threads} threads, ${photos.length} coco128 ` +
    `images, masks for every detection scoring ≥ ${options.scoreThreshold} ` +
    `(${(instances / photos.length).toFixed(1)} per image); render draws those ≥ 0.5`,
);
console.log('stage         mean ms   median ms');
for (const [stage, ms] of Object.entries(stages)) {
  console.log(`${stage.padEnd(12)} ${mean(ms).toFixed(1).padStart(8)} ${median(ms).toFixed(1).padStart(11)}`);
}
const meanS = mean(stages.total) / 1000;
console.log(
  `pipeline mean ${meanS.toFixed(3)} s/image, median ${(median(stages.total) / 1000).toFixed(3)} s ` +
    `(reference ${REFERENCE_S} s): ${meanS < REFERENCE_S ? 'faster' : 'SLOWER'}`,
);

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
