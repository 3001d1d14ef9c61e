import { Worker } from 'node:worker_threads';
import {
  InternalError,
  OverloadedError,
  type RemoteError,
  WIRE_ERRORS,
} from '@maskrcnn-zmq/shared';
import type { Logger } from 'pino';
import { BoundedQueue } from '../queue/bounded-queue.js';
import type {
  FromWorker,
  Job,
  JobOutput,
  ModelDescription,
  OutputOf,
  WorkerConfig,
} from './jobs.js';

export interface PoolOptions extends WorkerConfig {
  /** Inference workers, each with its own copy of the model. */
  workers: number;
  /** Requests that may wait for a worker; one more is refused with `Overloaded`. */
  queueLimit: number;
}

interface Pending {
  id: number;
  job: Job;
  resolve: (output: JobOutput) => void;
  reject: (error: Error) => void;
}

/**
 * Runs jobs on inference worker threads, through one bounded queue. A job whose caller goes
 * away while it waits is withdrawn; one already running finishes and its result is dropped.
 */
export class WorkerPool {
  private readonly queue: BoundedQueue<Pending>;
  private readonly workers = new Set<Worker>();
  private running = 0;
  private nextId = 0;
  private closing = false;

  private constructor(
    private readonly options: PoolOptions,
    private readonly log: Logger,
    readonly model: ModelDescription,
  ) {
    this.queue = new BoundedQueue(options.queueLimit);
  }

  /** Starts the workers and resolves once every one has loaded and warmed up its model. */
  static async start(options: PoolOptions, log: Logger): Promise<WorkerPool> {
    const first = await spawn(options);
    const pool = new WorkerPool(options, log, first.model);
    pool.serve(first.worker);
    const rest = await Promise.all(
      Array.from({ length: options.workers - 1 }, () => spawn(options)),
    );
    for (const { worker } of rest) pool.serve(worker);
    return pool;
  }

  /** Queue figures for `info()` and the logs. */
  stats(): { limit: number; waiting: number; running: number } {
    return { limit: this.queue.limit, waiting: this.queue.waiting, running: this.running };
  }

  /**
   * Runs `job` on the next free worker.
   * @throws {OverloadedError} at once when the queue is full; the error from the job otherwise.
   */
  run<J extends Job>(job: J, signal: AbortSignal): Promise<OutputOf<J>> {
    return new Promise((resolve, reject) => {
      // A worker answers a job with the output of the job's own type.
      const settle = resolve as (output: JobOutput) => void;
      const pending: Pending = { id: this.nextId++, job, resolve: settle, reject };
      if (!this.queue.offer(pending)) {
        const { limit } = this.queue;
        reject(
          new OverloadedError(
            `${limit} requests are already waiting (the queue limit); try again shortly`,
          ),
        );
        return;
      }
      signal.addEventListener('abort', () => {
        if (this.queue.remove(pending)) reject(signal.reason as Error);
      });
    });
  }

  /** Stops the workers; jobs still waiting fail. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.workers].map((worker) => worker.terminate()));
  }

  /** Feeds `worker` jobs from the queue, one at a time, for as long as it lives. */
  private serve(worker: Worker): void {
    this.workers.add(worker);
    let current: Pending | undefined;
    const next = async (): Promise<void> => {
      current = await this.queue.take();
      if (this.closing) return current.reject(new InternalError('the server is shutting down'));
      this.running++;
      worker.postMessage({ id: current.id, job: current.job });
    };
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready' || !current || message.id !== current.id) return;
      this.running--;
      if (message.type === 'done') current.resolve(message.output);
      else current.reject(this.errorFrom(message.error));
      current = undefined;
      void next();
    });
    worker.on('exit', (code) => {
      this.workers.delete(worker);
      if (this.closing) return;
      this.log.error({ code }, 'inference worker died; starting a new one');
      if (current) {
        this.running--;
        current.reject(
          new InternalError(`the inference worker died (exit code ${code}) during this call`),
        );
      }
      spawn(this.options).then(
        ({ worker: replacement }) => this.serve(replacement),
        (error) => this.log.fatal({ err: error }, 'could not restart an inference worker'),
      );
    });
    void next();
  }

  /** Wire errors keep their name; anything else is logged in full and sent as InternalError. */
  private errorFrom(error: { name: string; message: string; stack?: string }): RemoteError {
    if (error.name in WIRE_ERRORS) {
      return new WIRE_ERRORS[error.name as keyof typeof WIRE_ERRORS](error.message);
    }
    this.log.error({ err: error }, 'inference failed');
    return new InternalError(`inference failed: ${error.message}`);
  }
}

/** Starts one worker and waits for its model to be loaded and warm. */
function spawn(options: WorkerConfig): Promise<{ worker: Worker; model: ModelDescription }> {
  const { modelDir, executionProvider, threads, maxInputPixels } = options;
  const workerData: WorkerConfig = { modelDir, executionProvider, threads, maxInputPixels };
  const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData });
  return new Promise((resolve, reject) => {
    const onExit = (code: number) =>
      reject(new Error(`inference worker exited with code ${code} while loading`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (message: FromWorker) => {
      worker.off('error', reject);
      worker.off('exit', onExit);
      if (message.type === 'ready') resolve({ worker, model: message.model });
      else reject(new Error(`inference worker sent ${message.type} before ready`));
    });
  });
}
