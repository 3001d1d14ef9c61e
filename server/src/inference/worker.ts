/**
 * An inference worker thread: loads the model, warms it up, then runs jobs one at a time. Every
 * CPU-heavy step of a call (decode, model, post-processing, masks, render or RLE) happens here,
 * so the socket's thread stays free for heartbeats and other clients' replies.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toDetectedInstances } from '../coco/results.js';
import { renderComposite } from '../render/composite.js';
import type { FromWorker, Job, JobOutput, ToWorker, WorkerConfig } from './jobs.js';
import { MaskRcnnPipeline } from './pipeline.js';

const config = workerData as WorkerConfig;
const port = parentPort!;
const pipeline = await MaskRcnnPipeline.load(config.modelDir, config);
await pipeline.warmUp();
// The first render of a process sets up fonts (tens of milliseconds): pay it before "ready".
await renderComposite(
  { width: 64, height: 48, data: new Uint8Array(64 * 48 * 3) },
  [{ classId: 1, label: 'person', score: 1, box: [8, 8, 40, 40] }],
  { format: 'jpeg' },
);
post({ type: 'ready', model: pipeline.describe() });

port.on('message', async ({ id, job }: ToWorker) => {
  try {
    post({ type: 'done', id, output: await run(job) });
  } catch (error) {
    const { name, message, stack } = error as Error;
    post({ type: 'failed', id, error: { name, message, stack } });
  }
});

async function run(job: Job): Promise<JobOutput> {
  const started = performance.now();
  const { image, instances, timingsMs } = await pipeline.run(job.image, job.inference);
  const encodeStarted = performance.now();
  if (job.type === 'getMask') {
    const composite = await renderComposite(image, instances, job.output);
    const encode = performance.now() - encodeStarted;
    return {
      type: 'getMask',
      composite,
      timingsMs: { ...timingsMs, encode, total: performance.now() - started },
    };
  }
  const detections = toDetectedInstances(instances, image.height, image.width);
  const encode = performance.now() - encodeStarted;
  return {
    type: 'detect',
    result: {
      width: image.width,
      height: image.height,
      timingsMs: { ...timingsMs, encode, total: performance.now() - started },
      instances: detections,
    },
  };
}

function post(message: FromWorker): void {
  port.postMessage(message);
}
