/**
 * An inference worker process: loads the model, warms it up, then runs jobs one at a time for
 * the pool that forked it. Every CPU-heavy step of a call happens here, so the server's thread
 * stays free for heartbeats and other callers; and a worker that crashes or hangs can be killed
 * and replaced without taking the server with it (terminating a *thread* inside onnxruntime
 * aborts the whole process).
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { MaskRcnnPipeline } from '../inference/pipeline.js';
import { releaseSoon } from '../ops/release-memory.js';
import { prepareCaptionFont } from '../render/composite.js';
import type { FromWorker, ToWorker, WorkerConfig } from './job.js';
import { failureOf, JobCancelledError } from './job-failure.js';
import { runJob } from './run-job.js';

/**
 * Buffers still held after a job beyond this are worth a garbage collection. A worker's old space
 * starts large (inference-worker.ts), so V8 seldom collects it by itself, and a large image's
 * pixels, promoted while its job ran, would stay resident until it did: a 27-megapixel photo
 * left 200 MiB. 640×480 frames keep 8–36 MiB between them.
 */
const HELD_BUFFERS_BYTES = 64 * 2 ** 20;

const config = JSON.parse(process.argv[2]) as WorkerConfig;
/** Tells the server; with the server gone (it stopped while this loaded), there is nothing to do. */
const send = (message: FromWorker) => {
  if (process.connected) process.send?.(message);
  else process.exit(0);
};

// The server decides when its workers stop: a terminal's Ctrl-C reaches the whole process group,
// and must not kill jobs the server is still letting finish. Without the server, stop.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => {});
process.on('disconnect', () => process.exit(0));

const pipeline = await MaskRcnnPipeline.load(config.modelDir, config);
await pipeline.warmUp();
// Before "ready", so that no call pays for setting up fonts.
await prepareCaptionFont();

let cancelled = -1;
process.on('message', async (message: ToWorker) => {
  if (message.type === 'cancel') {
    cancelled = message.id;
    return;
  }
  const { id, job } = message;
  const checkpoint = async () => {
    // Stages run long stretches of synchronous code; two turns of the event loop let a cancel
    // that arrived meanwhile be read (one turn may end before the loop polls for it).
    await yieldToLoop();
    await yieldToLoop();
    if (cancelled === id) throw new JobCancelledError('the job was cancelled');
  };
  try {
    send({
      type: 'done',
      id,
      output: await runJob(pipeline, job, config.maxInputPixels, checkpoint),
    });
  } catch (error) {
    send({ type: 'failed', id, failure: failureOf(error) });
  } finally {
    if (process.memoryUsage().arrayBuffers > HELD_BUFFERS_BYTES) releaseSoon();
  }
});
send({ type: 'ready', model: pipeline.describe() });
