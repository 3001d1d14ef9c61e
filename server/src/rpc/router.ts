import {
  decodeEvent,
  EVENT,
  encodeEvent,
  Heartbeat,
  InternalError,
  idKey,
  parseRouted,
  RemoteError,
  responseHeader,
  routedFrames,
  SerialSender,
  type ZerorpcEvent,
} from '@maskrcnn-zmq/shared';
import type { Logger } from 'pino';
import { Router } from 'zeromq';
import type { Dispatcher } from './dispatch.js';

export interface RouterOptions {
  /** ZeroMQ endpoint to bind, e.g. `tcp://127.0.0.1:38282`. */
  bind: string;
  heartbeatMs: number;
  /** Larger messages make ZeroMQ drop the sender's connection. */
  maxMessageBytes: number;
  log: Logger;
}

/** An exchange opened by a request and not yet answered. */
interface Exchange {
  heartbeat: Heartbeat;
  abort: AbortController;
}

/**
 * The server's ROUTER socket. Each request opens an exchange that beats `_zpc_hb` to its caller
 * until the reply goes out; a caller whose own beats stop is considered gone and its work is
 * withdrawn. A malformed message is logged and dropped; it never ends the loop.
 */
export class RpcRouter {
  private readonly socket: Router;
  private readonly sender: SerialSender;
  private readonly exchanges = new Map<string, Exchange>();
  private readonly log: Logger;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly options: RouterOptions,
  ) {
    this.log = options.log;
    this.socket = new Router({ linger: 0, maxMessageSize: options.maxMessageBytes });
    this.sender = new SerialSender(
      (frames) => this.socket.send(frames),
      (error) => this.log.warn({ err: error }, 'reply could not be sent'),
    );
  }

  /** Binds the socket and starts serving; resolves once bound. */
  async listen(): Promise<void> {
    await this.socket.bind(this.options.bind);
    void this.receiveLoop();
  }

  /** The endpoint actually bound (a `tcp://…:0` bind gets its port here). */
  get endpoint(): string {
    return this.socket.lastEndpoint ?? this.options.bind;
  }

  /** Number of requests being worked on. */
  get openExchanges(): number {
    return this.exchanges.size;
  }

  close(): void {
    for (const exchange of this.exchanges.values()) {
      exchange.heartbeat.stop();
      exchange.abort.abort(new InternalError('the server is shutting down'));
    }
    this.exchanges.clear();
    this.socket.close();
  }

  private async receiveLoop(): Promise<void> {
    try {
      for await (const frames of this.socket) this.receive(frames);
    } catch (error) {
      if (!this.socket.closed) this.log.fatal({ err: error }, 'the ROUTER socket failed');
    }
  }

  private receive(frames: Buffer[]): void {
    let identity: Buffer[];
    let event: ZerorpcEvent;
    try {
      const message = parseRouted(frames);
      identity = message.identity;
      event = decodeEvent(message.payload);
    } catch (error) {
      this.log.warn({ err: error, frames: frames.length }, 'malformed message dropped');
      return;
    }
    const peer = Buffer.concat(identity).toString('hex');
    const { response_to: responseTo } = event.header;
    if (responseTo !== undefined) {
      // Beats (and flow-control events) of an open exchange; late ones for a finished call are dropped.
      this.exchanges.get(`${peer}/${idKey(responseTo)}`)?.heartbeat.heard();
      return;
    }
    this.open(identity, `${peer}/${idKey(event.header.message_id)}`, event);
  }

  private open(identity: Buffer[], key: string, request: ZerorpcEvent): void {
    if (this.exchanges.has(key)) {
      this.log.warn({ method: request.name }, 'duplicate message_id from the same peer dropped');
      return;
    }
    const requestId = request.header.message_id;
    const send = (name: string, args: unknown[]) =>
      void this.sender.send(
        routedFrames(identity, encodeEvent({ header: responseHeader(requestId), name, args })),
      );
    const abort = new AbortController();
    const heartbeat = new Heartbeat(
      {
        beat: () => send(EVENT.heartbeat, [0]),
        lost: (silentMs) => {
          this.log.info({ method: request.name, silentMs }, 'caller lost; its work is dropped');
          this.exchanges.delete(key);
          abort.abort(new InternalError('the caller stopped sending heartbeats'));
        },
      },
      { intervalMs: this.options.heartbeatMs, requireFromStart: false },
    );
    this.exchanges.set(key, { heartbeat, abort });
    heartbeat.start();

    const log = this.log.child({ method: request.name });
    const started = performance.now();
    const settle = (name: string, args: unknown[]) => {
      heartbeat.stop();
      if (this.exchanges.get(key)?.abort !== abort) return; // The caller is gone.
      this.exchanges.delete(key);
      send(name, args);
      log.debug({ ms: Math.round(performance.now() - started), reply: name }, 'call finished');
    };
    Promise.resolve()
      .then(() =>
        this.dispatcher.call(request.name, request.args ?? [], { signal: abort.signal, log }),
      )
      .then(
        (result) => settle(EVENT.ok, [result]),
        (error) => settle(EVENT.err, this.errorArgs(error, log)),
      );
  }

  /** `[name, message, traceback]`: wire errors as they are, anything else as InternalError. */
  private errorArgs(error: unknown, log: Logger): [string, string, string] {
    if (error instanceof RemoteError) return [error.name, error.message, error.traceback];
    log.error({ err: error }, 'method failed unexpectedly');
    const message = error instanceof Error ? error.message : String(error);
    return ['InternalError', message, ''];
  }
}
