import { Dealer, Router } from 'zeromq';
import { SerialSender } from './serial-sender.js';
import { type CurveGate, openGate } from './zap-handler.js';

/**
 * The two socket roles zerorpc uses, and the only place zeromq is imported. Each sends through
 * one {@link SerialSender} (zeromq.js allows one send in flight) and hands each message it
 * receives to a callback until the socket closes.
 */
abstract class MessageSocket<S extends Router | Dealer> {
  private readonly sender: SerialSender;

  /** Runs when the socket closes (a ZAP gate to take away). */
  protected onClose: () => void = () => {};

  protected constructor(
    protected readonly socket: S,
    onSendError: (error: unknown) => void,
  ) {
    this.sender = new SerialSender((frames) => this.socket.send(frames), onSendError);
  }

  /** Queues `frames` behind earlier sends; failures go to the constructor's `onSendError`. */
  send(frames: Uint8Array[]): Promise<void> {
    return this.sender.send(frames);
  }

  /**
   * Hands every message received to `handle`, until the socket closes (then it resolves); any
   * other receive failure rejects. Not an async iterator: a suspended async generator keeps the
   * message it last yielded in its registers until the next one arrives, which for a hostile
   * 272 MiB message to a quiet server is for good (a heap snapshot showed it). Here a message
   * lives only as long as `handle` runs, or keeps it.
   */
  async receiveEach(handle: (frames: Buffer[]) => void): Promise<void> {
    const receiveOne = (): Promise<boolean> =>
      this.socket.receive().then(
        (frames) => {
          handle(frames);
          return true;
        },
        (error) => {
          if (this.socket.closed) return false;
          throw error;
        },
      );
    while (!this.socket.closed && (await receiveOne()));
  }

  get closed(): boolean {
    return this.socket.closed;
  }

  /**
   * Closes the socket. With `flushMs`, sends already queued get that long to leave first;
   * without, they are dropped.
   */
  async close(flushMs = 0): Promise<void> {
    if (this.socket.closed) return;
    if (flushMs > 0) {
      await this.sender.flushed();
      this.socket.linger = flushMs;
    }
    this.socket.close();
    this.onClose();
  }
}

export interface RouterSocketOptions {
  /** Larger frames make ZeroMQ drop the sender's connection before anything reads them. */
  maxFrameBytes: number;
  /** Messages ZeroMQ holds per peer, each way, before it pushes back (in) or drops (out). */
  highWaterMark: number;
  onSendError: (error: unknown) => void;
  /**
   * CURVE encryption: the server's secret key (Z85), and the gate that says which client keys
   * may in (without one, every client that knows the server's public key may).
   */
  curve?: { secretKey: string; gate?: CurveGate };
  /** A connection failed its handshake (a plaintext client, a refused key), from `address`. */
  onHandshakeFailed?: (address: string, kind: string) => void;
}

/** The keys a client needs for CURVE: the server's public key and its own pair, all Z85. */
export interface ClientCurveKeys {
  serverKey: string;
  publicKey: string;
  secretKey: string;
}

/** A server's socket: messages arrive as `[identity…, "", payload]` and replies go back by identity. */
export class RouterSocket extends MessageSocket<Router> {
  private constructor(options: RouterSocketOptions) {
    super(
      new Router({
        linger: 0,
        maxMessageSize: options.maxFrameBytes,
        receiveHighWaterMark: options.highWaterMark,
        sendHighWaterMark: options.highWaterMark,
      }),
      options.onSendError,
    );
  }

  /** A socket bound to `endpoint`, e.g. `tcp://127.0.0.1:0` for a free port. */
  static async listen(endpoint: string, options: RouterSocketOptions): Promise<RouterSocket> {
    const router = new RouterSocket(options);
    try {
      if (options.curve) await router.secure(options.curve, options.onSendError);
      if (options.onHandshakeFailed) void router.watchHandshakes(options.onHandshakeFailed);
      await router.socket.bind(endpoint);
    } catch (error) {
      await router.close();
      throw error;
    }
    return router;
  }

  private async secure(
    { secretKey, gate }: NonNullable<RouterSocketOptions['curve']>,
    onError: (error: unknown) => void,
  ): Promise<void> {
    this.socket.curveServer = true;
    this.socket.curveSecretKey = secretKey;
    if (!gate) return;
    const { domain, close } = await openGate(gate, onError);
    this.socket.zapDomain = domain;
    this.onClose = close;
  }

  private async watchHandshakes(report: (address: string, kind: string) => void): Promise<void> {
    for await (const event of this.socket.events) {
      if (event.type.startsWith('handshake:error'))
        report((event as { address: string }).address, event.type);
    }
  }

  /** The endpoint actually bound (a `tcp://…:0` bind gets its port here). */
  get endpoint(): string {
    return this.socket.lastEndpoint ?? '';
  }
}

/** A client's socket, connected to one server: messages are `["", payload]`. */
export class DealerSocket extends MessageSocket<Dealer> {
  constructor(endpoint: string, onSendError: (error: unknown) => void, curve?: ClientCurveKeys) {
    const keys = curve && {
      curveServerKey: curve.serverKey,
      curvePublicKey: curve.publicKey,
      curveSecretKey: curve.secretKey,
    };
    super(new Dealer({ linger: 0, ...keys }), onSendError);
    this.socket.connect(endpoint);
  }
}
