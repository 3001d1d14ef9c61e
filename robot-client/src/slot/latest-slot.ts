/**
 * The one place between the camera and the call where a frame may wait, and it holds one. A camera
 * publishes faster than the server answers; queueing would add latency without bound, so every
 * `put()` replaces the waiting value and the one it replaces is counted as dropped.
 */
export class LatestSlot<T> {
  /** Values put since the slot was made. */
  received = 0;
  /** Values replaced before anyone took them. */
  dropped = 0;
  private value: T | undefined;
  private filled = false;
  /** Takes waiting for a value, first come first served: each value goes to one of them. */
  private readonly waiters: ((value: T | undefined) => void)[] = [];
  private closed = false;
  /** A hand-over to the waiting take() is scheduled for the end of this turn. */
  private handing = false;

  /**
   * Offers the newest value: replaces the one waiting (a drop) and, when a `take()` waits, hands
   * it over at the end of this turn of the event loop, so that of several values arriving in one
   * turn (one socket read holding two messages) the waiting `take()` gets the newest.
   */
  put(value: T): void {
    if (this.closed) return;
    this.received++;
    if (this.filled) this.dropped++;
    this.value = value;
    this.filled = true;
    if (this.waiters.length > 0 && !this.handing) {
      this.handing = true;
      setImmediate(() => this.handOver());
    }
  }

  private handOver(): void {
    this.handing = false;
    if (!this.filled) return;
    const waiter = this.waiters.shift();
    if (!waiter) return;
    const value = this.value as T;
    this.value = undefined;
    this.filled = false;
    waiter(value);
  }

  /**
   * The newest value not taken yet, at once if one waits, else when a later `put()` comes (to
   * the longest-waiting of several takes: each value is taken once).
   * @returns undefined once the slot is closed.
   */
  take(): Promise<T | undefined> {
    if (this.filled && this.waiters.length === 0) {
      const value = this.value as T;
      this.value = undefined;
      this.filled = false;
      return Promise.resolve(value);
    }
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.waiters.push(resolve);
    });
  }

  /** Ends the slot: waiting `take()`s get undefined, later `put()`s are ignored. */
  close(): void {
    this.closed = true;
    this.value = undefined;
    this.filled = false;
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }
}
