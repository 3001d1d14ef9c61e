import type { Precision } from '@maskrcnn-zmq/models';
import type { DetectResult } from '@maskrcnn-zmq/shared';
import type { EncodeOptions } from '../image/codec.js';
import type { ModelDescription } from '../inference/detector.js';
import type { InferenceOptions } from '../inference/types.js';

export type { ModelDescription };

/** One unit of work for an inference worker; `image` is the caller's argument as it came. */
export type Job =
  | {
      type: 'getMask';
      image: Uint8Array | string;
      inference: InferenceOptions;
      output: Required<EncodeOptions>;
    }
  | {
      type: 'detect';
      image: Uint8Array | string;
      inference: InferenceOptions;
      /** Draw the composite as well (the Open Inference `composite` output), in these settings. */
      composite?: Required<EncodeOptions>;
      /** Masks as RLE in the result (default true); false when they are computed for the composite only. */
      rle?: boolean;
    };

/** A finished job; `timingsMs` always has the stages and `total`. */
export type JobOutput =
  | { type: 'getMask'; composite: Uint8Array | string; timingsMs: Record<string, number> }
  | {
      type: 'detect';
      result: Omit<DetectResult, 'model'>;
      /** The drawn image as bytes, when the job asked for it. */
      composite?: Uint8Array;
    };

/** A finished job's stage times, whichever its type. */
export function timingsOf(output: JobOutput): Record<string, number> {
  return output.type === 'getMask' ? output.timingsMs : output.result.timingsMs;
}

/** The output a job of a given type produces. */
export type OutputOf<J extends Job> = Extract<JobOutput, { type: J['type'] }>;

/** How a worker loads its model. */
export interface WorkerConfig {
  modelDir: string;
  executionProvider: 'cpu' | 'cuda';
  threads: number;
  /** What the graphs in `modelDir` compute in (default 'float'); checked when they load. */
  precision?: Precision;
  maxInputPixels: number;
}

/** Messages from the pool to a worker process. */
export type ToWorker =
  | { type: 'run'; id: number; job: Job }
  /** Stop the job at its next stage boundary: nobody will read its result. */
  | { type: 'cancel'; id: number };

/** A job's failure as it crosses the process boundary. */
export interface JobFailure {
  /** Set for the wire errors a stage raises on purpose (`InvalidImage`, …): sent as they are. */
  wireName?: string;
  message: string;
  stack?: string;
  /** The job stopped because it was cancelled; its caller has had its answer already. */
  cancelled?: boolean;
}

/** Messages from a worker process to the pool. */
export type FromWorker =
  | { type: 'ready'; model: ModelDescription }
  | { type: 'done'; id: number; output: JobOutput }
  | { type: 'failed'; id: number; failure: JobFailure };
