import type { DetectResult } from '@maskrcnn-zmq/shared';
import type { ModelDescription } from './detector.js';
import type { InferenceOptions } from './types.js';

export type { ModelDescription };

/** One unit of work for an inference worker. */
export type Job =
  | {
      type: 'getMask';
      image: Uint8Array;
      inference: InferenceOptions;
      output: { format: 'jpeg' | 'png'; quality: number };
    }
  | { type: 'detect'; image: Uint8Array; inference: InferenceOptions };

/** A finished job; `timingsMs` always has the stages and `total`. */
export type JobOutput =
  | { type: 'getMask'; composite: Uint8Array; timingsMs: Record<string, number> }
  | { type: 'detect'; result: Omit<DetectResult, 'model'> };

/** The output a job of a given type produces. */
export type OutputOf<J extends Job> = Extract<JobOutput, { type: J['type'] }>;

/** Messages between the pool (main thread) and a worker. */
export type ToWorker = { id: number; job: Job };
export type FromWorker =
  | { type: 'ready'; model: ModelDescription }
  | { type: 'done'; id: number; output: JobOutput }
  | { type: 'failed'; id: number; error: { name: string; message: string; stack?: string } };

/** How a worker loads its model; sent as the worker's `workerData`. */
export interface WorkerConfig {
  modelDir: string;
  executionProvider: 'cpu' | 'cuda';
  threads: number;
  maxInputPixels: number;
}
