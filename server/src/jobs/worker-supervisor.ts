import type { Logger } from 'pino';
import type { Counters } from '../ops/counters.js';
import { InferenceWorker } from './inference-worker.js';
import type { ModelDescription, WorkerConfig } from './job.js';

export interface SupervisorOptions extends WorkerConfig {
  /** Inference worker processes to keep alive. */
  workers: number;
  /** V8 heap of each worker process, in MiB. */
  workerHeapMiB: number;
}

/** Waits before successive tries to start a replacement whose predecessors failed to start. */
const RESTART_DELAYS_MS = [0, 1000, 5000, 30_000];

/**
 * Keeps `workers` inference worker processes alive: each one that ends, busy or idle, is
 * replaced (logged and counted), retrying with growing delays while a replacement fails to
 * load. Every worker that is ready, first or replacement, is handed to `onReady`.
 */
export class WorkerSupervisor {
  private readonly live = new Set<InferenceWorker>();
  private stopped = false;
  model!: ModelDescription;

  private constructor(
    private readonly options: SupervisorOptions,
    private readonly log: Logger,
    private readonly counters: Counters,
    private readonly onReady: (worker: InferenceWorker) => void,
  ) {}

  /**
   * Starts every worker and resolves once each has loaded and warmed up its model.
   * @throws the first worker's failure to start (a model that will not load); none is left running.
   */
  static async start(
    options: SupervisorOptions,
    log: Logger,
    counters: Counters,
    onReady: (worker: InferenceWorker) => void,
  ): Promise<WorkerSupervisor> {
    const supervisor = new WorkerSupervisor(options, log, counters, onReady);
    const started = await Promise.allSettled(
      Array.from({ length: options.workers }, () => supervisor.spawn()),
    );
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) {
      supervisor.stop();
      throw failed.reason;
    }
    return supervisor;
  }

  /** Replaces no more workers and kills every live one at once. */
  stop(): void {
    this.stopped = true;
    for (const worker of this.live) worker.kill();
  }

  private async spawn(): Promise<void> {
    const { modelDir, executionProvider, threads, precision, maxInputPixels, workerHeapMiB } =
      this.options;
    const worker = await InferenceWorker.start(
      { modelDir, executionProvider, threads, precision, maxInputPixels },
      { heapMiB: workerHeapMiB },
      (gone, reason) => this.replace(gone, reason),
    );
    if (this.stopped) {
      worker.kill();
      return;
    }
    this.model ??= worker.model;
    this.live.add(worker);
    this.onReady(worker);
  }

  private replace(worker: InferenceWorker, reason: string, attempt = 0): void {
    this.live.delete(worker);
    if (this.stopped) return;
    if (attempt === 0) {
      this.counters.workerRestarted();
      this.log.error({ reason }, 'an inference worker ended; starting a new one');
    }
    const delay = RESTART_DELAYS_MS[Math.min(attempt, RESTART_DELAYS_MS.length - 1)];
    setTimeout(() => {
      this.spawn().catch((error) => {
        this.log.error(
          { err: error, attempt: attempt + 1 },
          'could not start a new inference worker',
        );
        this.replace(worker, reason, attempt + 1);
      });
    }, delay).unref();
  }
}
