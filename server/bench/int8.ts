/**
 * `npm run bench:int8`: MaskRCNN2GO's int8 forms (QDQ graphs, the Caffe2 net's own scales: all
 * three graphs, or the two heads on a float backbone) against its float graphs, side by side in
 * one run on this machine:
 *
 * 1. Time per 640×480 frame, on every coco128 photo of that size, the pipelines in turn (which
 *    goes first rotates): `model` is every graph (backbone + RPN, box head, mask head), `masks`
 *    the pasting of the masks a getMask call keeps (score ≥ 0.5). Medians.
 * 2. Mask and box AP on every coco128 photo, each pipeline doing what `eval` does (all
 *    detections, at most 100, with masks), scored with the same COCO evaluator.
 *
 * An int8 form may become the default only if its mask AP is within 0.5 of float's and it is
 * faster (issue 11); the last lines say whether both hold here.
 *
 * Flags: --threads N (onnxruntime threads, default the core count), --images N (coco128
 * photos for step 2, default all).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { PRECISIONS, type Precision } from '@maskrcnn-zmq/models';
import type { DetectResult } from '@maskrcnn-zmq/shared';
import cliProgress from 'cli-progress';
import { type CocoDetection, loadCocoDataset } from '../src/coco/coco-dataset.js';
import { evaluate } from '../src/coco/evaluate.js';
import { toCocoResult } from '../src/coco/results.js';
import { MaskRcnnPipeline } from '../src/inference/pipeline.js';
import type { InferenceOptions } from '../src/inference/types.js';
import { runJob } from '../src/jobs/run-job.js';
import { COCO_DIR } from '../test/helpers.js';
import { describeMachine } from './figures/machine.js';
import { modelDirOf } from './figures/model-dir.js';
import { Stats } from './stats.js';
import { table } from './table.js';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: String(availableParallelism()) },
    images: { type: 'string' },
  },
});
const threads = Number(values.threads);
const MAX_PIXELS = 50_000_000;

const progressBar = (label: string) =>
  new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} photos, {eta}s left`, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );

const machine = describeMachine();
console.log(
  `maskrcnn-zmq bench:int8, commit ${machine.commit}: ${machine.cpu} ` +
    `(${machine.dotProduct.join(', ') || 'no VNNI'}), ${machine.cores} cores, ` +
    `onnxruntime ${machine.onnxruntime} with ${threads} threads`,
);
const dirs = {} as Record<Precision, string>;
for (const precision of PRECISIONS) dirs[precision] = await modelDirOf(precision);
const pipelines = {} as Record<Precision, MaskRcnnPipeline>;
for (const precision of PRECISIONS) {
  pipelines[precision] = await MaskRcnnPipeline.load(dirs[precision], { threads, precision });
  await pipelines[precision].warmUp();
}

const dataset = await loadCocoDataset(`${COCO_DIR}/instances.json`);
const images = [...dataset.images].sort((a, b) => a.id - b.id);
const read = (file: string) => readFileSync(`${COCO_DIR}/images/${file}`);
/** `detect` on one photo by every pipeline, in the order given. */
async function both(
  bytes: Uint8Array,
  inference: InferenceOptions,
  order: readonly Precision[],
  use: (precision: Precision, result: Omit<DetectResult, 'model'>) => void,
): Promise<void> {
  for (const precision of order) {
    const output = await runJob(
      pipelines[precision],
      { type: 'detect', image: bytes, inference },
      MAX_PIXELS,
    );
    if (output.type === 'detect') use(precision, output.result);
  }
}

// 1. Time per 640×480 frame.
const vga = images.filter((i) => i.width === 640 && i.height === 480);
const stats = Object.fromEntries(PRECISIONS.map((p) => [p, new Stats()])) as Record<
  Precision,
  Stats
>;
const frameOptions: InferenceOptions = { scoreThreshold: 0.5, maxDetections: 100, masks: true };
let bar = progressBar('timing');
bar.start(vga.length, 0);
for (const [index, image] of vga.entries()) {
  const order = PRECISIONS.map((_, i) => PRECISIONS[(index + i) % PRECISIONS.length]);
  await both(read(image.file_name), frameOptions, order, (precision, { timingsMs }) => {
    stats[precision].add({
      model: timingsMs.model,
      masks: timingsMs.masks,
      both: timingsMs.model + timingsMs.masks,
    });
  });
  bar.update(index + 1);
}
bar.stop();

// 2. AP on coco128.
const scored = images.slice(0, Number(values.images ?? Infinity));
const detections = Object.fromEntries(PRECISIONS.map((p) => [p, []])) as unknown as Record<
  Precision,
  CocoDetection[]
>;
const evalOptions: InferenceOptions = { scoreThreshold: 0, maxDetections: 100, masks: true };
bar = progressBar('AP');
bar.start(scored.length, 0);
for (const [index, image] of scored.entries()) {
  await both(read(image.file_name), evalOptions, PRECISIONS, (precision, { instances }) => {
    detections[precision].push(...instances.map((i) => toCocoResult(image.id, i)));
  });
  bar.update(index + 1);
}
bar.stop();

const imageIds = scored.map((image) => image.id);
const rows = PRECISIONS.map((precision) => {
  const s = stats[precision];
  const ap = (type: 'segm' | 'bbox') =>
    100 * evaluate(dataset, detections[precision], type, { imageIds }).ap;
  return [
    precision,
    s.median('model'),
    s.median('masks'),
    s.median('both'),
    ap('segm'),
    ap('bbox'),
  ];
}) as [Precision, number, number, number, number, number][];
const [f, ...quantized] = rows;
console.log(
  `\n${vga.length} photos of 640×480 timed (medians, ms); AP on ${scored.length} coco128 photos\n`,
);
const againstFloat = ([name, ...figures]: (typeof rows)[number]) => [
  `${name} − float`,
  ...figures.map((value, i) => value - (f[i + 1] as number)),
];
console.log(
  table(
    ['precision', 'model ms', 'masks ms', 'model+masks ms', 'mask AP', 'box AP'],
    [...rows, ...quantized.map(againstFloat)],
  ),
);
for (const q of quantized) {
  const closeEnough = f[4] - q[4] <= 0.5;
  const faster = q[1] < f[1];
  console.log(
    `${q[0]}: mask AP within 0.5 of float: ${closeEnough ? 'yes' : 'no'}; model faster: ` +
      `${faster ? 'yes' : 'no'} (${(f[1] / q[1]).toFixed(2)}× as fast) → ` +
      `${closeEnough && faster ? 'may be the default' : 'float stays the default'}`,
  );
}
for (const pipeline of Object.values(pipelines)) await pipeline.close();
