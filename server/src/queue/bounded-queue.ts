/**
 * A FIFO with a hard limit on waiting items. `offer` never waits: past the limit it says no at
 * once, so a caller can be told `Overloaded` instead of queueing without bound. Consumers
 * `take()` the next item, waiting while the queue is empty.
 */
export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private readonly takers: Array<(item: T) => void> = [];

  constructor(readonly limit: number) {}

  /** Items waiting to be taken. */
  get waiting(): number {
    return this.items.length;
  }

  /** Adds `item` unless the queue is full; a waiting consumer gets it directly. */
  offer(item: T): boolean {
    const taker = this.takers.shift();
    if (taker) {
      taker(item);
      return true;
    }
    if (this.items.length >= this.limit) return false;
    this.items.push(item);
    return true;
  }

  /** The oldest item, as soon as there is one. */
  take(): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => this.takers.push(resolve));
  }

  /** Withdraws an item that has not been taken yet (its caller went away). */
  remove(item: T): boolean {
    const at = this.items.indexOf(item);
    if (at < 0) return false;
    this.items.splice(at, 1);
    return true;
  }
}
