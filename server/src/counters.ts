import type { ServerCounters } from '@maskrcnn-zmq/shared';

/**
 * What happened to messages and calls since the server started, counted where it happens and
 * reported by `info()`. Counts only: the figures an operator watches, with no per-call state.
 */
export class Counters {
  private readonly counts: ServerCounters = {
    dropped: {},
    errors: {},
    abandoned: { lostCaller: 0, deadline: 0 },
    workerRestarts: 0,
    refusedHandshakes: 0,
  };

  /** A message dropped without a reply, for `reason`. */
  dropped(reason: string): void {
    bump(this.counts.dropped, reason);
  }

  /** A call answered with the error `name`. */
  error(name: string): void {
    bump(this.counts.errors, name);
  }

  /** A call whose work stopped because its caller was gone or out of time. */
  abandoned(why: keyof ServerCounters['abandoned']): void {
    this.counts.abandoned[why]++;
  }

  workerRestarted(): void {
    this.counts.workerRestarts++;
  }

  /** A connection that failed its handshake: a plaintext client of a CURVE server, a refused key. */
  refusedHandshake(): void {
    this.counts.refusedHandshakes++;
  }

  /** A copy, safe to hand out. */
  snapshot(): ServerCounters {
    return structuredClone(this.counts);
  }
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (Object.hasOwn(counts, key) ? counts[key] : 0) + 1;
}
