import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_MODEL,
  ensureModel,
  MODELS,
  PRECISIONS,
  type Precision,
} from '@maskrcnn-zmq/models';
import { type Command, Option } from 'commander';
import type { ExecutionProvider } from '../inference/model.js';
import type { Logger } from '../log.js';
import type { ServerOptions } from '../server.js';
import { integer } from './parse.js';

/**
 * A local mirror looked in before downloading: `shared/models/<model>` beside the checkout,
 * where this project's workstations keep the model files.
 */
const besideCheckout = (model: string) =>
  fileURLToPath(new URL(`../../../../../shared/models/${model}`, import.meta.url));

/** The options that choose and run the model, shared by `serve` and `eval`. */
export function modelOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--model <name>', 'model to serve')
        .choices(Object.keys(MODELS))
        .default(DEFAULT_MODEL),
    )
    .option(
      '--model-dir <dir>',
      'use this folder of ready ONNX files instead of the cache (one holding MaskRCNN-10.onnx ' +
        'or MaskRCNN-12.onnx runs the zoo model, else maskrcnn2go)',
    )
    .option(
      '--cache-dir <dir>',
      'model cache (default $MASKRCNN_ZMQ_CACHE or ~/.cache/maskrcnn-zmq)',
    )
    .option('--seed-from <dir>', 'copy model files from this folder before downloading')
    .option('--offline', 'never download; say which files are missing and where they go')
    .addOption(
      new Option(
        '--precision <p>',
        'float graphs; int8: QDQ graphs from the Caffe2 int8 scales; int8-heads: QDQ heads on a ' +
          "float backbone, float's accuracy (maskrcnn2go only)",
      )
        .choices(PRECISIONS)
        .default('float'),
    )
    .addOption(
      new Option('--execution-provider <ep>', 'where the model runs')
        .choices(['cpu', 'cuda'])
        .default('cpu'),
    )
    .option('--threads <n>', 'onnxruntime threads per worker', integer, availableParallelism())
    .option('--workers <n>', 'inference worker processes, each with its own model copy', integer, 1)
    .option('--queue <n>', 'requests that may wait before callers get Overloaded', integer, 16)
    .option('--peer-queue <n>', 'requests one connection may have waiting', integer, 4)
    .option(
      '--max-wait-ms <ms>',
      'longest a request waits for a worker before DeadlineExceeded',
      integer,
      10_000,
    )
    .option(
      '--job-timeout-ms <ms>',
      'a job running longer is abandoned and its worker replaced',
      integer,
      60_000,
    )
    .option('--worker-heap-mb <n>', 'JavaScript heap of each worker process, in MiB', integer, 2048)
    .option(
      '--heartbeat-ms <ms>',
      'zerorpc heartbeat interval (clients must use the same)',
      integer,
      5000,
    )
    .option('--max-pixels <n>', 'largest image accepted, in pixels', integer, 50_000_000)
    .option('--max-message-mb <n>', 'largest request accepted, in MiB', integer, 64);
}

/** The flags `modelOptions` declares, as commander hands them over. */
export interface ModelFlags {
  model: string;
  modelDir?: string;
  cacheDir?: string;
  seedFrom?: string;
  offline?: boolean;
  precision: Precision;
  executionProvider: ExecutionProvider;
  threads: number;
  workers: number;
  queue: number;
  peerQueue: number;
  maxWaitMs: number;
  jobTimeoutMs: number;
  workerHeapMb: number;
  heartbeatMs: number;
  maxPixels: number;
  maxMessageMb: number;
}

/**
 * Server options from parsed flags. Without `--model-dir` the model comes from the cache,
 * fetched and converted on first use (with progress on stderr).
 */
export async function serverOptions(
  options: ModelFlags,
  log: Logger,
): Promise<Omit<ServerOptions, 'bind'>> {
  const mirror = besideCheckout(options.model);
  const modelDir =
    options.modelDir ??
    (
      await ensureModel(options.model, {
        cacheDir: options.cacheDir,
        allowDownload: !options.offline,
        seedFrom: options.seedFrom ?? (existsSync(mirror) ? mirror : undefined),
        precision: options.precision,
      })
    ).dir;
  return {
    modelDir,
    precision: options.precision,
    executionProvider: options.executionProvider,
    threads: options.threads,
    workers: options.workers,
    queueLimit: options.queue,
    perPeerQueueLimit: options.peerQueue,
    maxWaitMs: options.maxWaitMs,
    jobTimeoutMs: options.jobTimeoutMs,
    workerHeapMiB: options.workerHeapMb,
    heartbeatMs: options.heartbeatMs,
    maxInputPixels: options.maxPixels,
    maxMessageBytes: options.maxMessageMb * 1024 * 1024,
    log,
  };
}
