import type { QueueInfo, ServerCounters } from '@maskrcnn-zmq/shared';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** How a call ended: `ok`, the name of the error it was answered with, or `lost` (no answer). */
export type Outcome = 'ok' | 'lost' | string;

/** Seconds, for latencies from a millisecond-fast `info()` to a 50-megapixel frame. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const STAGE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const BYTE_BUCKETS = [1e3, 1e4, 5e4, 1e5, 2.5e5, 5e5, 1e6, 5e6, 2e7, 6.4e7];

/**
 * What happened to messages and calls since the server started, counted where it happens: once
 * as the figures `info()` reports, and once as Prometheus metrics (`registry`, served on
 * `/metrics` with the process's default metrics).
 */
export class Counters {
  readonly registry = new Registry();
  private readonly counts: ServerCounters = {
    dropped: {},
    errors: {},
    abandoned: { lostCaller: 0, deadline: 0 },
    workerRestarts: 0,
    refusedHandshakes: 0,
  };
  private readonly metric = {
    calls: new Counter({
      name: 'maskrcnn_calls_total',
      help: 'Calls answered or abandoned, by door (zmq, http, grpc), method and outcome (ok, an error name, expired, lost)',
      labelNames: ['door', 'method', 'outcome'] as const,
      registers: [this.registry],
    }),
    latency: new Histogram({
      name: 'maskrcnn_call_duration_seconds',
      help: 'Time from a request to its answer, by door and method',
      labelNames: ['door', 'method'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    }),
    stages: new Histogram({
      name: 'maskrcnn_stage_duration_seconds',
      help: 'Time of each stage of an inference job (decode, preprocess, model, postprocess, masks, encode)',
      labelNames: ['stage'] as const,
      buckets: STAGE_BUCKETS,
      registers: [this.registry],
    }),
    requestBytes: new Histogram({
      name: 'maskrcnn_request_bytes',
      help: 'Size of each request message',
      buckets: BYTE_BUCKETS,
      registers: [this.registry],
    }),
    rejected: new Counter({
      name: 'maskrcnn_rejected_messages_total',
      help: 'Messages dropped without an answer (nothing in them to answer), by reason',
      labelNames: ['reason'] as const,
      registers: [this.registry],
    }),
    workerRestarts: new Counter({
      name: 'maskrcnn_worker_restarts_total',
      help: 'Inference workers replaced after they crashed or overran the job timeout',
      registers: [this.registry],
    }),
    refusedHandshakes: new Counter({
      name: 'maskrcnn_refused_handshakes_total',
      help: 'Connections that failed their handshake (plaintext to a CURVE server, a key not listed)',
      registers: [this.registry],
    }),
  };

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Reports queue depth and running jobs from `stats` whenever metrics are scraped. */
  watchQueue(stats: () => QueueInfo): void {
    new Gauge({
      name: 'maskrcnn_queue_waiting',
      help: 'Calls waiting for an inference worker',
      registers: [this.registry],
      collect() {
        this.set(stats().waiting);
      },
    });
    new Gauge({
      name: 'maskrcnn_jobs_running',
      help: 'Calls running on inference workers',
      registers: [this.registry],
      collect() {
        this.set(stats().running);
      },
    });
  }

  /** The model served and where it runs, as an info metric (always 1). */
  model(name: string, executionProvider: string): void {
    new Gauge({
      name: 'maskrcnn_model_info',
      help: 'The model served and its execution provider',
      labelNames: ['model', 'provider'] as const,
      registers: [this.registry],
    }).set({ model: name, provider: executionProvider }, 1);
  }

  /** A message dropped without a reply, for `reason`. */
  dropped(reason: string): void {
    bump(this.counts.dropped, reason);
    this.metric.rejected.inc({ reason });
  }

  /** A call whose work stopped because its caller was gone or out of time. */
  abandoned(why: keyof ServerCounters['abandoned']): void {
    this.counts.abandoned[why]++;
  }

  /** A call through `door` ended `outcome` after `ms`; an error outcome is counted by its name as well. */
  callEnded(door: string, method: string, outcome: Outcome, ms: number): void {
    if (outcome !== 'ok' && outcome !== 'lost') bump(this.counts.errors, outcome);
    const label = outcome === 'DeadlineExceeded' ? 'expired' : outcome;
    this.metric.calls.inc({ door, method, outcome: label });
    if (outcome !== 'lost') this.metric.latency.observe({ door, method }, ms / 1000);
  }

  /** The stage times of one finished job, in milliseconds. */
  stages(timingsMs: Record<string, number>): void {
    for (const [stage, ms] of Object.entries(timingsMs)) {
      if (stage !== 'total') this.metric.stages.observe({ stage }, ms / 1000);
    }
  }

  request(bytes: number): void {
    this.metric.requestBytes.observe(bytes);
  }

  workerRestarted(): void {
    this.counts.workerRestarts++;
    this.metric.workerRestarts.inc();
  }

  /** A connection that failed its handshake: a plaintext client of a CURVE server, a refused key. */
  refusedHandshake(): void {
    this.counts.refusedHandshakes++;
    this.metric.refusedHandshakes.inc();
  }

  /** A copy, safe to hand out. */
  snapshot(): ServerCounters {
    return structuredClone(this.counts);
  }
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (Object.hasOwn(counts, key) ? counts[key] : 0) + 1;
}
