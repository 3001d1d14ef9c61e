/** How long the loop waits after failed calls before trying the server again. */
export interface BackoffOptions {
  /** The wait after the first failure, before jitter (default 250 ms). */
  baseMs?: number;
  /** The most any wait may be (default 2000 ms): a restarted server is found within it. */
  capMs?: number;
  /** 0 ≤ x < 1; tests pass a fixed one. */
  random?: () => number;
}

/**
 * Capped exponential backoff with jitter: after the n-th failure in a row the wait is
 * `min(capMs, baseMs · 2^(n-1))`, of which a random half is left out ("equal jitter"), so many
 * robots that lost one server do not all come back in the same millisecond.
 */
export class Backoff {
  /** Failures since the last success. */
  failures = 0;
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = options.baseMs ?? 250;
    this.capMs = options.capMs ?? 2000;
    this.random = options.random ?? Math.random;
  }

  /** Counts a failure; returns the wait before the next try, in ms. */
  next(): number {
    this.failures++;
    const ceiling = Math.min(this.capMs, this.baseMs * 2 ** Math.min(this.failures - 1, 30));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  /** A call succeeded: the next failure waits the base again. */
  reset(): void {
    this.failures = 0;
  }
}
