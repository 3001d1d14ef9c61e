import {
  DeadlineExceededError,
  InternalError,
  OverloadedError,
  type QueueInfo,
  RemoteError,
  ShuttingDownError,
} from '@maskrcnn-zmq/shared';
import type { Logger } from 'pino';
import type { Counters } from '../ops/counters.js';
import { RateLimitedLog } from '../ops/rate-limited-log.js';
import { FairQueue } from './fair-queue.js';
import { type InferenceWorker, WorkerLostError } from './inference-worker.js';
import {
  type Job,
  type JobOutput,
  type ModelDescription,
  type OutputOf,
  timingsOf,
} from './job.js';
import { JobCrashedError } from './job-failure.js';
import { type SupervisorOptions, WorkerSupervisor } from './worker-supervisor.js';

export interface JobPoolOptions extends SupervisorOptions {
  /** Calls that may wait for a worker in all; one more is refused with `Overloaded`. */
  queueLimit: number;
  /** Calls one peer may have waiting. */
  perPeerQueueLimit: number;
  /** The longest a call waits for a worker; past it, it fails with `DeadlineExceeded` unstarted. */
  maxWaitMs: number;
  /** A job running longer is abandoned: its caller gets `InternalError`, its worker is replaced. */
  jobTimeoutMs: number;
}

/** Who a job is for. */
export interface JobCaller {
  /** The peer (socket) it came from, for the fair queue. */
  peer: string;
  /** Aborted when nobody will read the answer (caller lost, deadline passed); its reason is the answer. */
  signal: AbortSignal;
}

interface Pending {
  job: Job;
  caller: JobCaller;
  /** Answers the caller, once; later outcomes (a job that ran on after its caller left) are dropped. */
  settle: (outcome: { output: JobOutput } | { error: Error }) => void;
  settled: boolean;
  waitTimer?: NodeJS.Timeout;
}

/**
 * Runs jobs on inference worker processes (kept alive by a {@link WorkerSupervisor}), through
 * a fair, bounded queue.
 *
 * - A call waits at most `maxWaitMs`, and one whose caller is gone or out of time leaves the
 *   queue at once, so no worker ever starts work nobody will read.
 * - A running call whose caller goes away is answered at once and its job stops at the next
 *   stage boundary; one that overruns `jobTimeoutMs` has its worker killed.
 * - A worker that dies during a call gets its call `InternalError`; the supervisor replaces it.
 * - `drain` lets running jobs finish within a grace period and answers every waiting call.
 */
export class JobPool {
  private readonly queue: FairQueue<Pending>;
  private readonly idle: InferenceWorker[] = [];
  private readonly running = new Map<InferenceWorker, Pending>();
  private readonly runningByPeer = new Map<string, number>();
  private readonly expiries: RateLimitedLog;
  private state: 'serving' | 'draining' | 'closed' = 'serving';
  private drained: (() => void) | undefined;
  private supervisor!: WorkerSupervisor;

  private constructor(
    private readonly options: JobPoolOptions,
    private readonly log: Logger,
    private readonly counters: Counters,
  ) {
    this.queue = new FairQueue(options.queueLimit, options.perPeerQueueLimit);
    this.expiries = new RateLimitedLog(log);
  }

  /**
   * Starts every worker and resolves once each has loaded and warmed up its model.
   * @throws the first worker's failure to start (a model that will not load); none is left running.
   */
  static async start(options: JobPoolOptions, log: Logger, counters: Counters): Promise<JobPool> {
    const pool = new JobPool(options, log, counters);
    pool.supervisor = await WorkerSupervisor.start(options, log, counters, (worker) => {
      pool.idle.push(worker);
      pool.pump();
    });
    return pool;
  }

  /** The model every worker runs. */
  get model(): ModelDescription {
    return this.supervisor.model;
  }

  /** Queue figures for `info()`. */
  stats(): QueueInfo {
    return {
      limit: this.queue.limit,
      perPeerLimit: this.queue.perPeerLimit,
      maxWaitMs: this.options.maxWaitMs,
      waiting: this.queue.waiting,
      running: this.running.size,
    };
  }

  /**
   * Runs `job` on the next free worker, serving peers fairly.
   * @throws {OverloadedError} at once when the queue or the peer's share of it is full;
   *   {@link DeadlineExceededError} after `maxWaitMs` unstarted; {@link ShuttingDownError} while
   *   draining; the caller's abort reason; the job's own wire error; {@link InternalError} when
   *   its worker failed.
   */
  run<J extends Job>(job: J, caller: JobCaller): Promise<OutputOf<J>> {
    return new Promise((resolve, reject) => {
      if (this.state !== 'serving') {
        reject(new ShuttingDownError('the server is shutting down; it takes no new calls'));
        return;
      }
      if (caller.signal.aborted) {
        reject(caller.signal.reason);
        return;
      }
      const onAbort = () => this.withdraw(pending, caller.signal.reason as Error);
      const pending: Pending = {
        job,
        caller,
        settled: false,
        settle: (outcome) => {
          if (pending.settled) return;
          pending.settled = true;
          clearTimeout(pending.waitTimer);
          caller.signal.removeEventListener('abort', onAbort);
          // A worker answers a job with the output of the job's own type.
          if ('output' in outcome) resolve(outcome.output as OutputOf<J>);
          else reject(outcome.error);
        },
      };
      const offered = this.queue.offer(caller.peer, pending);
      if (offered !== 'queued') {
        pending.settle({ error: this.overloaded(offered) });
        return;
      }
      caller.signal.addEventListener('abort', onAbort, { once: true });
      pending.waitTimer = setTimeout(() => this.expire(pending), this.options.maxWaitMs);
      this.pump();
    });
  }

  /**
   * Stops taking jobs: waiting calls get `ShuttingDown` now, running ones get up to `graceMs` to
   * finish; any still running then get `ShuttingDown` and their workers are killed.
   */
  async drain(graceMs: number): Promise<void> {
    if (this.state !== 'serving') return;
    this.state = 'draining';
    for (const pending of this.queue.clear()) {
      pending.settle({
        error: new ShuttingDownError('the server is shutting down; this call had not started'),
      });
    }
    if (this.running.size > 0) {
      const finished = new Promise<void>((resolve) => {
        this.drained = resolve;
      });
      const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([finished, grace]);
    }
    for (const [worker, pending] of this.running) {
      pending.settle({
        error: new ShuttingDownError(
          `the server is shutting down; this call did not finish within ${graceMs} ms`,
        ),
      });
      worker.kill();
    }
  }

  /** Kills every worker at once; anything still waiting or running fails. */
  close(): void {
    this.state = 'closed';
    for (const pending of this.queue.clear()) {
      pending.settle({ error: new ShuttingDownError('the server was closed') });
    }
    this.supervisor.stop();
    this.idle.length = 0;
  }

  /** Starts waiting jobs on idle workers, for as long as there are both. */
  private pump(): void {
    while (this.state === 'serving' && this.queue.waiting > 0) {
      const worker = this.idle.pop();
      if (!worker) return;
      if (!worker.alive) continue; // It died idle; the supervisor brings its replacement.
      const pending = this.queue.take((peer) => this.runningByPeer.get(peer) ?? 0);
      if (pending) this.start(worker, pending);
    }
  }

  private start(worker: InferenceWorker, pending: Pending): void {
    clearTimeout(pending.waitTimer);
    const { peer } = pending.caller;
    this.running.set(worker, pending);
    this.runningByPeer.set(peer, (this.runningByPeer.get(peer) ?? 0) + 1);
    const jobTimer = setTimeout(() => {
      this.log.error(
        { method: pending.job.type, jobTimeoutMs: this.options.jobTimeoutMs },
        'a job ran past --job-timeout-ms; its worker is killed and replaced',
      );
      pending.settle({
        error: new InternalError(
          `the job ran past the server's job timeout of ${this.options.jobTimeoutMs} ms and was abandoned`,
        ),
      });
      worker.kill();
    }, this.options.jobTimeoutMs);
    worker
      .run(pending.job)
      .then(
        (output) => {
          this.counters.stages(timingsOf(output));
          pending.settle({ output });
        },
        (error: Error) => {
          if (!pending.settled) pending.settle({ error: this.failure(error, pending) });
        },
      )
      .finally(() => {
        clearTimeout(jobTimer);
        this.running.delete(worker);
        const left = (this.runningByPeer.get(peer) ?? 1) - 1;
        if (left > 0) this.runningByPeer.set(peer, left);
        else this.runningByPeer.delete(peer);
        // A worker that died is gone from here; the supervisor brings its replacement.
        if (worker.alive && this.state === 'serving') this.idle.push(worker);
        if (this.running.size === 0) this.drained?.();
        this.pump();
      });
  }

  /** The caller is gone or out of time: drop its call if it waits, stop its job if it runs. */
  private withdraw(pending: Pending, reason: Error): void {
    this.queue.remove(pending.caller.peer, pending);
    for (const [worker, running] of this.running) if (running === pending) worker.cancel();
    pending.settle({ error: reason });
  }

  private expire(pending: Pending): void {
    if (!this.queue.remove(pending.caller.peer, pending)) return;
    const { maxWaitMs } = this.options;
    this.counters.abandoned('deadline');
    this.expiries.warn(
      'waited-too-long',
      { method: pending.job.type, maxWaitMs },
      'a call waited past --max-wait-ms for a worker and was dropped unstarted',
    );
    pending.settle({
      error: new DeadlineExceededError(
        `the call waited ${maxWaitMs} ms for a worker (the server's --max-wait-ms) and was dropped unstarted`,
      ),
    });
  }

  /** The caller's answer for a job that failed: wire errors as they are, anything else internal. */
  private failure(error: Error, pending: Pending): Error {
    if (error instanceof RemoteError) return error;
    const method = pending.job.type;
    if (error instanceof WorkerLostError) {
      this.log.error({ method, err: error }, 'an inference worker died during a call');
      return new InternalError(error.message);
    }
    this.log.error({ method, err: error }, 'a job failed unexpectedly');
    const what = error instanceof JobCrashedError ? 'inference failed' : 'the job failed';
    return new InternalError(`${what}: ${error.message}`);
  }

  private overloaded(offered: 'full' | 'peer-full'): OverloadedError {
    return offered === 'full'
      ? new OverloadedError(
          `${this.queue.limit} requests are already waiting (the queue limit); try again shortly`,
        )
      : new OverloadedError(
          `this connection already has ${this.queue.perPeerLimit} calls waiting (the per-connection limit); wait for a reply before sending more`,
        );
  }
}
