/**
 * `npm run bench`: what one frame costs, stage by stage, in-process and through the server.
 *
 * 1. The in-process pipeline on every coco128 photo, doing what `eval` does (all detections,
 *    masks, RLE): compared with the plain-JS reference's 0.148 s per image (MODEL.md).
 * 2. On the 640×480 photos, alternating: the getMask pipeline in-process (decode → model →
 *    masks → render JPEG) and the same call through a real server over tcp loopback, so the
 *    ratio round trip / in-process is measured side by side.
 * 3. Frames per second through the server with 1 and 4 concurrent clients.
 *
 * Flags: --images N (coco128 photos for step 1, default all), --seconds S (per fps run, default
 * 10), --threads N (onnxruntime threads, default the core count), --provider cpu|cuda.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { VisionClient } from '@maskrcnn-zmq/shared';
import { pino } from 'pino';
import { MaskRcnnPipeline } from '../src/inference/pipeline.js';
import type { InferenceOptions } from '../src/inference/types.js';
import { runJob } from '../src/jobs/run-job.js';
import { COCO_DIR, MODEL_DIR, startServer } from '../test/helpers.js';
import { Stats } from './stats.js';

const { values } = parseArgs({
  options: {
    images: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    threads: { type: 'string', default: String(availableParallelism()) },
    provider: { type: 'string', default: 'cpu' },
  },
});
const threads = Number(values.threads);
const executionProvider = values.provider === 'cuda' ? 'cuda' : 'cpu';
const dataset = JSON.parse(readFileSync(`${COCO_DIR}/instances.json`, 'utf8')) as {
  images: Array<{ file_name: string; width: number; height: number }>;
};
const read = (file: string) => readFileSync(`${COCO_DIR}/images/${file}`);
const all = dataset.images
  .map((image) => read(image.file_name))
  .slice(0, Number(values.images ?? Infinity));
const vga = dataset.images
  .filter((i) => i.width === 640 && i.height === 480)
  .map((i) => read(i.file_name));

console.log(
  `maskrcnn-zmq bench: ${availableParallelism()} cores, onnxruntime threads ${threads}, ${executionProvider}`,
);
const pipeline = await MaskRcnnPipeline.load(MODEL_DIR, { threads, executionProvider });
await pipeline.warmUp();

// 1. The eval workload, in-process.
const evalOptions: InferenceOptions = { scoreThreshold: 0, maxDetections: 100, masks: true };
const evalStats = new Stats();
const MAX_PIXELS = 50_000_000;
for (const image of all) {
  const output = await runJob(
    pipeline,
    { type: 'detect', image, inference: evalOptions },
    MAX_PIXELS,
  );
  if (output.type === 'detect') evalStats.add(output.result.timingsMs);
}
console.log(
  `\n1. in-process pipeline, JPEG bytes → all detections with mask RLEs, ${all.length} coco128 photos`,
);
console.log(evalStats.table());
const perImageS = evalStats.mean('total') / 1000;
console.log(
  `pipeline mean ${perImageS.toFixed(3)} s/image (plain-JS reference 0.148 s): ${(0.148 / perImageS).toFixed(2)}× faster`,
);

/** A real server over tcp loopback with `workers` inference workers of `workerThreads` each. */
const startBenchServer = (workers: number, workerThreads: number) =>
  startServer({
    executionProvider,
    threads: workerThreads,
    workers,
    queueLimit: 64,
    log: pino({ level: 'warn' }),
  });

// 2. getMask in-process vs through the server, alternating on the same photos.
const server = await startBenchServer(1, threads);
const client = new VisionClient({ endpoint: server.endpoint, timeoutMs: 60_000 });
const getMaskOptions: InferenceOptions = { scoreThreshold: 0.5, maxDetections: 100, masks: true };
const inProcess = new Stats();
const roundTrip = new Stats();
for (const image of [...vga, ...vga]) {
  const output = await runJob(
    pipeline,
    { type: 'getMask', image, inference: getMaskOptions, output: { format: 'jpeg', quality: 85 } },
    MAX_PIXELS,
  );
  // `encode` is the render: masks, outlines, boxes, captions and the JPEG.
  if (output.type === 'getMask') inProcess.add(output.timingsMs);
  const started = performance.now();
  await client.getMask(image);
  roundTrip.add({ total: performance.now() - started });
}
console.log(
  `\n2. getMask on ${vga.length} 640×480 photos (each twice), in-process and through the server`,
);
console.log(inProcess.table());
const ratio = roundTrip.median('total') / inProcess.median('total');
console.log(
  `round trip median ${roundTrip.median('total').toFixed(1)} ms (p95 ${roundTrip.percentile('total', 95).toFixed(1)}), ` +
    `in-process median ${inProcess.median('total').toFixed(1)} ms: ratio ${ratio.toFixed(3)} (target ≤ 1.05)`,
);
await pipeline.close();

client.close();
await server.close();

// 3. Throughput with 1 and 4 clients, for one worker using every core and for a worker per core.
console.log(
  `\n3. frames per second through the server (getMask, 640×480, ${values.seconds} s each)`,
);
for (const [workers, workerThreads] of [
  [1, threads],
  [threads, 1],
]) {
  const layout = await startBenchServer(workers, workerThreads);
  for (const clients of [1, 4]) {
    const callers = Array.from(
      { length: clients },
      () => new VisionClient({ endpoint: layout.endpoint, timeoutMs: 60_000 }),
    );
    const until = performance.now() + Number(values.seconds) * 1000;
    let frames = 0;
    const started = performance.now();
    await Promise.all(
      callers.map(async (caller, c) => {
        for (let i = c; performance.now() < until; i += clients, frames++)
          await caller.getMask(vga[i % vga.length]);
      }),
    );
    const fps = frames / ((performance.now() - started) / 1000);
    console.log(
      `--workers ${workers} --threads ${workerThreads}, ${clients} client${clients > 1 ? 's' : ' '}: ${fps.toFixed(2)} frames/s`,
    );
    for (const caller of callers) caller.close();
  }
  await layout.close();
}
