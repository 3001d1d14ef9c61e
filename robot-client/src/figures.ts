/** Where the counts of arriving and dropped frames come from (the latest-value slot). */
export interface FrameCounts {
  readonly received: number;
  readonly dropped: number;
}

/** Where the node stands with the server, as the loop last found it. */
export type ServerState =
  /** No reply yet. */
  | { type: 'connecting' }
  /** The last call was answered. */
  | { type: 'connected' }
  /** Calls failed (`reason`: the error's name, e.g. `Timeout`, `Overloaded`); the next try waits. */
  | { type: 'backingOff'; reason: string; failures: number; retryInMs: number }
  /** The server refuses the node's requests (`BadRequest`, `NameError`, `TypeError`): it stops. */
  | { type: 'misconfigured'; message: string };

export interface FiguresSnapshot {
  /** Where the node stands with the server. */
  server: ServerState;
  /** Composites shown per second over the last `windowS`. */
  fps: number;
  /** Round trip of `getMask` (call to reply), over the last `windowS`; null before any reply. */
  latencyMs: { p50: number; p95: number } | null;
  /** Camera frames received. */
  received: number;
  /** Camera frames replaced in the slot before the loop could take them. */
  dropped: number;
  /** Composites received from the server. */
  completed: number;
  /** Frames that failed (encode, call or server error). */
  failed: number;
  /** Composites not shown because a newer frame's was shown first (with several calls in flight). */
  stale: number;
  lastError: { name: string; message: string; at: string } | null;
  windowS: number;
}

export interface FiguresOptions {
  /** Width of the sliding window for fps and percentiles (default 5000 ms). */
  windowMs?: number;
  /** Most replies kept for the window (default 1024); bounds memory at any rate. */
  capacity?: number;
  now?: () => number;
}

/**
 * The live figures: fps, p50/p95 round trip, drops and the last error. Replies are kept in a
 * fixed ring so the figures cost the same memory at 1 Hz or 1 kHz.
 */
export class Figures {
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly at: Float64Array;
  private readonly latency: Float64Array;
  private next = 0;
  private completed = 0;
  private failed = 0;
  private stale = 0;
  private lastError: FiguresSnapshot['lastError'] = null;
  private server: ServerState = { type: 'connecting' };
  private readonly startedAt: number;

  constructor(
    private readonly counts: FrameCounts,
    options: FiguresOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 5000;
    this.now = options.now ?? (() => performance.now());
    const capacity = options.capacity ?? 1024;
    this.at = new Float64Array(capacity).fill(Number.NEGATIVE_INFINITY);
    this.latency = new Float64Array(capacity);
    this.startedAt = this.now();
  }

  /** A composite came back `latencyMs` after its call began. */
  recordReply(latencyMs: number): void {
    this.at[this.next] = this.now();
    this.latency[this.next] = latencyMs;
    this.next = (this.next + 1) % this.at.length;
    this.completed++;
  }

  /** A composite that came back after a newer frame's had been shown, so was not shown. */
  recordStale(): void {
    this.stale++;
  }

  recordFailure(error: Error): void {
    this.failed++;
    this.lastError = { name: error.name, message: error.message, at: new Date().toISOString() };
  }

  /** The loop's view of the server, shown on the web page and in the logged figures. */
  setServerState(state: ServerState): void {
    this.server = state;
  }

  snapshot(): FiguresSnapshot {
    const now = this.now();
    const since = now - this.windowMs;
    const recent: number[] = [];
    let oldest = now;
    for (let i = 0; i < this.at.length; i++) {
      if (this.at[i] <= since) continue;
      recent.push(this.latency[i]);
      oldest = Math.min(oldest, this.at[i]);
    }
    recent.sort((a, b) => a - b);
    // Rate over what the samples can span: less than the window early on, or when the ring is full.
    const spanMs = Math.max(
      1,
      recent.length === this.at.length
        ? now - oldest
        : Math.min(this.windowMs, now - this.startedAt),
    );
    return {
      server: this.server,
      fps: round((recent.length * 1000) / spanMs),
      latencyMs:
        recent.length === 0
          ? null
          : { p50: round(percentile(recent, 0.5)), p95: round(percentile(recent, 0.95)) },
      received: this.counts.received,
      dropped: this.counts.dropped,
      completed: this.completed,
      failed: this.failed,
      stale: this.stale,
      lastError: this.lastError,
      windowS: this.windowMs / 1000,
    };
  }
}

/** Nearest-rank percentile of an ascending list. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
