import { setImmediate as yieldToLoop } from 'node:timers/promises';
import {
  BadRequestError,
  type CurveGate,
  EVENT,
  encodeEvent,
  Heartbeat,
  InternalError,
  idKey,
  type MessageId,
  type RemoteError,
  RouterSocket,
  responseHeader,
  routedFrames,
  ShuttingDownError,
  type ZerorpcEvent,
} from '@maskrcnn-zmq/shared';
import type { Logger } from 'pino';
import type { Call, CallRunner } from '../calls/call-runner.js';
import type { Counters } from '../ops/counters.js';
import { RateLimitedLog } from '../ops/rate-limited-log.js';
import { LARGE_MESSAGE_BYTES, releaseSoon } from '../ops/release-memory.js';
import type { Dispatcher } from './dispatch.js';
import { classify, totalBytes } from './inbound.js';

export interface RouterOptions {
  /** ZeroMQ endpoint to bind, e.g. `tcp://127.0.0.1:38282`. */
  bind: string;
  heartbeatMs: number;
  /** The largest request payload accepted; ZeroMQ drops the connection of a sender over it. */
  maxMessageBytes: number;
  log: Logger;
  counters: Counters;
  /** Runs each call: deadlines, logs, counts and shutdown, the same for every door. */
  runner: CallRunner;
  /** CURVE: the server's secret key, and the gate for client keys (none: any client may). */
  curve?: { secretKey: string; gate?: CurveGate };
}

/** An exchange opened by a request and not yet answered. */
interface Exchange {
  heartbeat: Heartbeat;
  /** Aborted when the caller is gone: its heartbeats stopped, or the server closed. */
  gone: AbortController;
}

/** Messages ZeroMQ holds per peer each way: a peer that floods, or never reads, costs this much at most. */
const HIGH_WATER_MARK = 64;

/**
 * The server's ROUTER socket. Each request opens an exchange that beats `_zpc_hb` to its caller
 * until the reply goes out; a caller whose own beats stop, or whose deadline passes, has its work
 * withdrawn. Every message is classified with bounded work first (`inbound.ts`); one that cannot
 * be served is answered with `BadRequest` when it names a call, else counted and dropped. Nothing
 * about one message can end the receive loop.
 */
export class RpcRouter {
  private readonly exchanges = new Map<string, Exchange>();
  private readonly log: Logger;
  private readonly drops: RateLimitedLog;
  private readonly counters: Counters;
  private allSettled: (() => void) | undefined;

  private constructor(
    private readonly socket: RouterSocket,
    private readonly dispatcher: Dispatcher,
    private readonly options: RouterOptions,
  ) {
    this.log = options.log;
    this.counters = options.counters;
    this.drops = new RateLimitedLog(options.log);
  }

  /** Binds the socket and starts serving; resolves once bound. */
  static async listen(dispatcher: Dispatcher, options: RouterOptions): Promise<RpcRouter> {
    let router: RpcRouter | undefined;
    const socket = await RouterSocket.listen(options.bind, {
      maxFrameBytes: options.maxMessageBytes,
      highWaterMark: HIGH_WATER_MARK,
      onSendError: (error) =>
        router?.drops.warn('send-failed', { err: error }, 'a reply could not be sent'),
      curve: options.curve,
      // Only CURVE makes handshakes fail; without it the socket is not monitored at all.
      onHandshakeFailed: options.curve
        ? (address, kind) => {
            options.counters.refusedHandshake();
            router?.drops.warn(
              'handshake-failed',
              { address, kind },
              'a connection failed its handshake',
            );
          }
        : undefined,
    });
    router = new RpcRouter(socket, dispatcher, options);
    void router.receiveLoop();
    return router;
  }

  /** The endpoint actually bound (a `tcp://…:0` bind gets its port here). */
  get endpoint(): string {
    return this.socket.endpoint;
  }

  /**
   * Waits up to `flushMs` for open calls to be answered and their replies to leave, then closes
   * the socket; calls still open then are abandoned.
   */
  async close(flushMs = 0): Promise<void> {
    if (this.exchanges.size > 0 && flushMs > 0) {
      await Promise.race([
        new Promise<void>((resolve) => {
          this.allSettled = resolve;
        }),
        new Promise((resolve) => setTimeout(resolve, flushMs).unref()),
      ]);
    }
    for (const exchange of this.exchanges.values()) {
      exchange.heartbeat.stop();
      exchange.gone.abort(new ShuttingDownError('the server is shutting down'));
    }
    this.exchanges.clear();
    await this.socket.close(flushMs);
  }

  private async receiveLoop(): Promise<void> {
    while (!this.socket.closed) {
      try {
        await this.socket.receiveEach((frames) => this.receive(frames));
      } catch (error) {
        this.drops.warn('receive-failed', { err: error }, 'receiving failed; the loop carries on');
        await yieldToLoop();
      }
    }
  }

  private receive(frames: Buffer[]): void {
    const bytes = totalBytes(frames);
    try {
      const inbound = classify(frames, bytes, this.options.maxMessageBytes);
      switch (inbound.type) {
        case 'drop':
          this.counters.dropped(inbound.reason);
          this.drops.warn(inbound.reason, { problem: inbound.problem }, 'message dropped');
          return;
        case 'refuse':
          this.refuse(inbound.identity, inbound.messageId, new BadRequestError(inbound.problem));
          return;
        case 'exchange-event': {
          const { identity, event } = inbound;
          // Late events for a finished call are expected, and dropped.
          this.exchanges
            .get(exchangeKey(peerOf(identity), event.header.response_to!))
            ?.heartbeat.heard();
          return;
        }
        case 'request': {
          const { identity, event } = inbound;
          this.counters.request(bytes);
          this.open(identity, event, bytes >= LARGE_MESSAGE_BYTES);
        }
      }
    } catch (error) {
      // Only a bug can get here; the loop must outlive it all the same.
      this.counters.dropped('internal');
      this.drops.warn('internal', { err: error }, 'a message could not be handled');
    } finally {
      // By now a large message is dropped, answered, or on its way to a worker: its memory can
      // go, unless its call waits in the queue (then it goes when the call ends).
      if (bytes >= LARGE_MESSAGE_BYTES) releaseSoon();
    }
  }

  private refuse(identity: Buffer[], messageId: MessageId, error: RemoteError): void {
    this.options.runner.refused(
      {
        door: 'zmq',
        method: UNREADABLE,
        requestId: idKey(messageId),
        peer: peerOf(identity),
      },
      error,
    );
    this.reply(identity, messageId, EVENT.err, [error.name, error.message, '']);
  }

  /** A method name as a metric label: callers choose names, so unknown ones share one label. */
  private methodLabel(name: string): string {
    return this.dispatcher.knows(name) ? name : UNKNOWN_METHOD;
  }

  private reply(identity: Buffer[], messageId: MessageId, name: string, args: unknown[]): void {
    const payload = encodeEvent({ header: responseHeader(messageId), name, args });
    void this.socket.send(routedFrames(identity, payload));
  }

  /** @param large the request is large enough that its memory is worth collecting once it ends */
  private open(identity: Buffer[], request: ZerorpcEvent, large: boolean): void {
    const peer = peerOf(identity);
    const key = exchangeKey(peer, request.header.message_id);
    if (this.exchanges.has(key)) {
      // Its reply would be taken for the first call's; the first call stands.
      this.counters.dropped('duplicate-id');
      this.drops.warn(
        'duplicate-id',
        { method: request.name },
        "a second call with an open call's message_id was dropped",
      );
      return;
    }
    const messageId = request.header.message_id;
    const call: Call = {
      door: 'zmq',
      method: request.name,
      label: this.methodLabel(request.name),
      requestId: idKey(messageId),
      peer,
      timeoutMs: request.header.timeout_ms,
    };
    const gone = new AbortController();
    const heartbeat = new Heartbeat(
      {
        beat: () => this.reply(identity, messageId, EVENT.heartbeat, [0]),
        lost: (silentMs) => {
          this.log.info({ ...call, silentMs }, 'caller lost; its work is dropped');
          this.forget(key);
          gone.abort(new InternalError('the caller stopped sending heartbeats'));
        },
      },
      { intervalMs: this.options.heartbeatMs, requireFromStart: false },
    );
    const exchange: Exchange = { heartbeat, gone };
    this.exchanges.set(key, exchange);
    heartbeat.start();

    const settle = (name: string, args: unknown[]) => {
      heartbeat.stop();
      if (this.exchanges.get(key) !== exchange) return; // The caller is gone.
      this.forget(key);
      this.reply(identity, messageId, name, args);
    };
    this.options.runner
      .run({ ...call, gone: gone.signal }, (context) =>
        this.dispatcher.call(request.name, request.args ?? [], context),
      )
      .then(
        (result) => settle(EVENT.ok, [result]),
        (error: RemoteError) => settle(EVENT.err, [error.name, error.message, error.traceback]),
      )
      .finally(() => {
        if (large) releaseSoon();
      });
  }

  private forget(key: string): void {
    this.exchanges.delete(key);
    if (this.exchanges.size === 0) this.allSettled?.();
  }
}

/** Metric labels for calls whose method is not one of the server's, or could not be read. */
const UNKNOWN_METHOD = '(unknown)';
const UNREADABLE = '(unreadable)';

/** The peer a message came from: its routing frames, which the envelope check keeps small. */
function peerOf(identity: Buffer[]): string {
  return identity.map((frame) => frame.toString('hex')).join('.');
}

function exchangeKey(peer: string, messageId: MessageId): string {
  return `${peer}/${idKey(messageId)}`;
}
