/** What `offer` did with an item. */
export type Offered = 'queued' | 'full' | 'peer-full';

interface Waiting<T> {
  item: T;
  /** Arrival order, across peers. */
  seq: number;
}

/**
 * Calls waiting for a worker, grouped by the peer (socket) that sent them. A peer may hold at
 * most `perPeerLimit` of the `limit` places, and the next call served is from the peer with the
 * fewest calls outstanding (waiting plus running), the longest-waiting first among equals. A
 * client that keeps one call out is served before a peer that floods: the flood's extra calls
 * take only capacity nobody else is waiting for, and past its share it is refused at once.
 */
export class FairQueue<T> {
  private readonly peers = new Map<string, Array<Waiting<T>>>();
  private size = 0;
  private seq = 0;

  constructor(
    readonly limit: number,
    readonly perPeerLimit: number,
  ) {}

  /** Calls waiting, from every peer. */
  get waiting(): number {
    return this.size;
  }

  /** Queues `item` for `peer` unless the queue, or the peer's share of it, is full. */
  offer(peer: string, item: T): Offered {
    const queue = this.peers.get(peer) ?? [];
    if (queue.length >= this.perPeerLimit) return 'peer-full';
    if (this.size >= this.limit) return 'full';
    queue.push({ item, seq: this.seq++ });
    this.peers.set(peer, queue);
    this.size++;
    return 'queued';
  }

  /**
   * Takes the next call to serve: from the peer with the fewest outstanding calls, where
   * `running(peer)` says how many of a peer's calls are on workers now.
   */
  take(running: (peer: string) => number): T | undefined {
    let best: { peer: string; load: number; seq: number } | undefined;
    for (const [peer, queue] of this.peers) {
      const load = queue.length + running(peer);
      const { seq } = queue[0];
      if (!best || load < best.load || (load === best.load && seq < best.seq)) {
        best = { peer, load, seq };
      }
    }
    return best && this.shift(best.peer);
  }

  /** Withdraws a call that has not been taken (its caller went away or ran out of time). */
  remove(peer: string, item: T): boolean {
    const queue = this.peers.get(peer);
    const at = queue?.findIndex((waiting) => waiting.item === item) ?? -1;
    if (!queue || at < 0) return false;
    queue.splice(at, 1);
    this.forget(peer, queue);
    return true;
  }

  /** Empties the queue, returning every call that waited, oldest first. */
  clear(): T[] {
    const all = [...this.peers.values()].flat().sort((a, b) => a.seq - b.seq);
    this.peers.clear();
    this.size = 0;
    return all.map((waiting) => waiting.item);
  }

  private shift(peer: string): T {
    const queue = this.peers.get(peer)!;
    const { item } = queue.shift()!;
    this.forget(peer, queue);
    return item;
  }

  private forget(peer: string, queue: Array<Waiting<T>>): void {
    this.size--;
    if (queue.length === 0) this.peers.delete(peer);
  }
}
