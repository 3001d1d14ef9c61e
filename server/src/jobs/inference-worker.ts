import { type ChildProcess, fork } from 'node:child_process';
import type {
  FromWorker,
  Job,
  JobOutput,
  ModelDescription,
  ToWorker,
  WorkerConfig,
} from './job.js';
import { errorOf } from './job-failure.js';

/** Why a worker's job ended without an answer from it. */
export class WorkerLostError extends Error {
  override name = 'WorkerLost';
}

export interface WorkerLimits {
  /** V8 heap of a worker process, in MiB; a job past it ends the worker, not the server. */
  heapMiB: number;
}

/**
 * Where a worker's old space starts, in MiB. V8 starts marking the whole heap once the old space
 * has less room left than the young generation takes. A worker's heap holds 9 MiB, so its limits
 * left 15–16 MiB of room against a 16 MiB young generation: 38 mark-compacts in 140 frames, 1.5 ms
 * of the worker's thread a frame, against 1–2 mark-compacts and 0.2 ms from 64 MiB. worker-main.ts
 * collects after a job that leaves large buffers behind.
 */
const INITIAL_OLD_SPACE_MIB = 64;

const FIXED_MMAP_THRESHOLD = 'glibc.malloc.mmap_threshold=';

/**
 * The server's environment, less a fixed malloc mmap threshold. `npm start` fixes it at 128 KiB
 * so that a dropped hostile message leaves the server's memory (README, "Memory"). A worker
 * holds admitted jobs only, and with the threshold fixed it would map, fault in and unmap each
 * frame's megabyte-sized buffers afresh: 800 more page faults and about 1 ms a 640×480 frame,
 * where malloc's own sliding threshold reuses them.
 */
export function workerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { GLIBC_TUNABLES: tunables = '', ...rest } = env;
  const kept = tunables
    .split(':')
    .filter((tunable) => tunable !== '' && !tunable.startsWith(FIXED_MMAP_THRESHOLD));
  return kept.length > 0 ? { ...rest, GLIBC_TUNABLES: kept.join(':') } : rest;
}

/**
 * One inference worker process, seen from the pool: it runs one job at a time and tells how it
 * ended. `kill()` is always safe, whatever the worker is doing.
 */
export class InferenceWorker {
  private current:
    | { id: number; resolve: (o: JobOutput) => void; reject: (e: Error) => void }
    | undefined;
  private nextId = 0;
  private exited = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly model: ModelDescription,
    private readonly onExit: (worker: InferenceWorker, reason: string) => void,
  ) {
    child.on('message', (message: FromWorker) => this.receive(message));
    // A message that cannot be sent means a broken channel: end the worker, so it is replaced.
    child.on('error', () => this.kill());
    child.once('exit', (code, signal) => {
      this.exited = true;
      const reason = signal ? `killed by ${signal}` : `exit code ${code}`;
      this.current?.reject(
        new WorkerLostError(`the inference worker ended (${reason}) during this call`),
      );
      this.current = undefined;
      this.onExit(this, reason);
    });
  }

  /**
   * Forks a worker and resolves once its model is loaded and warm.
   * @throws when the worker exits or fails before it is ready (a model that will not load).
   */
  static start(
    config: WorkerConfig,
    limits: WorkerLimits,
    onExit: (worker: InferenceWorker, reason: string) => void,
  ): Promise<InferenceWorker> {
    const child = fork(new URL('./worker-main.js', import.meta.url), [JSON.stringify(config)], {
      serialization: 'advanced',
      env: workerEnv(process.env),
      execArgv: [
        `--max-old-space-size=${limits.heapMiB}`,
        `--initial-old-space-size=${Math.min(INITIAL_OLD_SPACE_MIB, limits.heapMiB)}`,
      ],
      // A worker writes to stderr only when it fails: that goes straight to the server's.
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const failed = (code: number | null, signal: string | null) =>
        reject(
          new Error(
            `inference worker ${signal ? `was killed by ${signal}` : `exited with code ${code}`} while loading the model (its error is above)`,
          ),
        );
      child.once('exit', failed);
      child.once('error', reject);
      child.once('message', (message: FromWorker) => {
        child.off('exit', failed);
        child.off('error', reject);
        if (message.type === 'ready') resolve(new InferenceWorker(child, message.model, onExit));
        else {
          child.kill('SIGKILL');
          reject(new Error(`inference worker sent ${message.type} before ready`));
        }
      });
    });
  }

  get alive(): boolean {
    return !this.exited;
  }

  /**
   * Runs `job`; one at a time.
   * @throws the job's wire error (`InvalidImage`, …); `JobCrashedError` for any other
   *   failure in the worker; {@link WorkerLostError} when the worker ends during the job.
   */
  run(job: Job): Promise<JobOutput> {
    if (this.current) throw new Error('an inference worker runs one job at a time');
    if (this.exited) return Promise.reject(new WorkerLostError('the inference worker had ended'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.current = { id, resolve, reject };
      this.send({ type: 'run', id, job });
    });
  }

  /**
   * Asks the running job to stop at its next stage boundary. Its promise settles as the worker
   * answers (with `JobCancelledError` if it had stages left); the worker stays busy until
   * then.
   */
  cancel(): void {
    if (this.current) this.send({ type: 'cancel', id: this.current.id });
  }

  /** Ends the worker at once; a running job rejects with {@link WorkerLostError}. */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  private send(message: ToWorker): void {
    if (this.child.connected) this.child.send(message);
  }

  private receive(message: FromWorker): void {
    const current = this.current;
    if (message.type === 'ready' || !current || message.id !== current.id) return;
    this.current = undefined;
    if (message.type === 'done') current.resolve(message.output);
    else current.reject(errorOf(message.failure));
  }
}
