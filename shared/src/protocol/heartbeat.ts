/** What a heartbeat needs from the exchange it guards. */
export interface HeartbeatPeer {
  /** Sends one `_zpc_hb` event to the peer. */
  beat(): void;
  /** The peer has been silent for more than two intervals. */
  lost(silentMs: number): void;
}

export interface HeartbeatOptions {
  intervalMs: number;
  /**
   * Declare the peer lost even if it never beat. A client expects beats from a zerorpc server;
   * a server only holds a client to it once that client has beaten, because plain ZeroMQ
   * callers (a one-line pyzmq script) never beat and must still get their reply.
   */
  requireFromStart: boolean;
}

/**
 * The `_zpc_hb` timer of one open exchange: beats every interval and watches the peer's beats.
 * zerorpc declares a peer lost after two silent intervals; so does this.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private lastHeardAt = 0;
  private heardAny = false;

  constructor(
    private readonly peer: HeartbeatPeer,
    private readonly options: HeartbeatOptions,
  ) {}

  start(): void {
    this.lastHeardAt = Date.now();
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Records a beat (or any event) from the peer. */
  heard(): void {
    this.lastHeardAt = Date.now();
    this.heardAny = true;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const silentMs = Date.now() - this.lastHeardAt;
    const watching = this.heardAny || this.options.requireFromStart;
    if (watching && silentMs > 2 * this.options.intervalMs) {
      this.stop();
      this.peer.lost(silentMs);
      return;
    }
    this.peer.beat();
  }
}
