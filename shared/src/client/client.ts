import {
  ClientClosedError,
  LostRemoteError,
  ProtocolError,
  RequestTooLargeError,
  TimeoutError,
} from '../protocol/errors.js';
import {
  decodeEvent,
  encodeEvent,
  idKey,
  newMessageId,
  requestHeader,
  type ZerorpcEvent,
} from '../protocol/events.js';
import { dealtFrames, parseDealt } from '../protocol/frames.js';
import { DEFAULT_HEARTBEAT_MS } from '../protocol/words.js';
import { type ClientCurveKeys, DealerSocket } from '../transport/sockets.js';
import { type CallTiming, OpenCall } from './call.js';

export interface ZerorpcClientOptions {
  /** Where the server listens, e.g. `tcp://127.0.0.1:38282`. */
  endpoint: string;
  /** Default per-call deadline; zerorpc's own default is 30 s. */
  timeoutMs?: number;
  /** Heartbeat interval; must match the server's (zerorpc default 5 s). */
  heartbeatMs?: number;
  /** Told about replies that cannot be matched or parsed; they are dropped either way. */
  onWarning?: (error: Error) => void;
  /**
   * The server's request limit (its `info().maxMessageBytes`): a larger request fails locally
   * with {@link RequestTooLargeError} instead of costing the connection.
   */
  maxRequestBytes?: number;
  /** CURVE keys, for a server that requires encryption (`serve --curve-secret-key`). */
  curve?: ClientCurveKeys;
}

export interface CallOptions {
  /** This call's deadline, overriding the client's; the server is told it, and drops the work once it passes. */
  timeoutMs?: number;
}

/**
 * A zerorpc client on a DEALER socket. Calls may overlap; each reply finds its caller by
 * `response_to`. A call that times out or loses the server retires the socket: later calls get a
 * fresh one, so requests queued towards a dead server are dropped instead of replayed, and one
 * lost reply never wedges the client. Calls still open on a retired socket finish on it.
 */
export class ZerorpcClient {
  private connection: Connection;
  private closed = false;
  private readonly timing: CallTiming;
  private maxRequestBytes: number;

  constructor(private readonly options: ZerorpcClientOptions) {
    this.maxRequestBytes = options.maxRequestBytes ?? Number.POSITIVE_INFINITY;
    this.timing = {
      timeoutMs: options.timeoutMs ?? 30_000,
      heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
    };
    this.connection = this.connect();
  }

  /**
   * Calls `method(...args)` on the server.
   * @returns the method's result, as the server packed it (bytes arrive as Uint8Array).
   * @throws {RemoteError} (or a subclass such as `InvalidImageError`) for an `ERR` reply;
   *   {@link TimeoutError} past the deadline; {@link LostRemoteError} when beats stop;
   *   {@link ClientClosedError} after {@link close}; {@link RequestTooLargeError} before sending
   *   a request over `maxRequestBytes`.
   */
  call<T = unknown>(method: string, args: unknown[] = [], options: CallOptions = {}): Promise<T> {
    if (this.closed) return Promise.reject(new ClientClosedError('the client is closed'));
    const timing = { ...this.timing, timeoutMs: options.timeoutMs ?? this.timing.timeoutMs };
    return this.connection.open(method, args, timing, this.maxRequestBytes) as Promise<T>;
  }

  /** Refuses requests over `bytes` from now on (a server's `info().maxMessageBytes`). */
  limitRequests(bytes: number): void {
    this.maxRequestBytes = bytes;
  }

  /** Fails every open call with {@link ClientClosedError} and closes the socket at once. */
  close(): void {
    this.closed = true;
    this.connection.close(new ClientClosedError('the client was closed during the call'));
  }

  private connect(): Connection {
    const { endpoint, onWarning, curve } = this.options;
    return new Connection(endpoint, onWarning, curve, (error) => {
      if (this.closed || !(error instanceof TimeoutError || error instanceof LostRemoteError))
        return;
      const stale = this.connection;
      this.connection = this.connect();
      stale.retire();
    });
  }
}

/** One DEALER socket and the calls opened on it. */
class Connection {
  private readonly socket: DealerSocket;
  private readonly calls = new Map<string, OpenCall>();
  private retired = false;

  constructor(
    endpoint: string,
    private readonly warn: ((error: Error) => void) | undefined,
    curve: ClientCurveKeys | undefined,
    private readonly onCallFailed: (error: Error) => void,
  ) {
    this.socket = new DealerSocket(endpoint, (error) => this.warn?.(error as Error), curve);
    void this.receiveLoop();
  }

  open(
    method: string,
    args: unknown[],
    timing: CallTiming,
    maxRequestBytes: number,
  ): Promise<unknown> {
    const id = newMessageId();
    const request = encodeEvent({
      header: requestHeader(id, timing.timeoutMs),
      name: method,
      args,
    });
    if (request.length > maxRequestBytes) {
      return Promise.reject(new RequestTooLargeError(method, request.length, maxRequestBytes));
    }
    const call = new OpenCall(
      method,
      id,
      timing,
      (event) => this.send(event),
      (settled, error) => {
        this.calls.delete(idKey(settled.id));
        if (error) this.onCallFailed(error);
        if (this.retired && this.calls.size === 0) this.close();
      },
    );
    this.calls.set(idKey(id), call);
    void this.socket.send(dealtFrames(request));
    return call.result;
  }

  /** No new calls come here; the socket closes once the open ones settle. */
  retire(): void {
    this.retired = true;
    if (this.calls.size === 0) this.close();
  }

  close(reason?: Error): void {
    if (reason) for (const call of [...this.calls.values()]) call.fail(reason);
    this.calls.clear();
    void this.socket.close();
  }

  private send(event: ZerorpcEvent): void {
    void this.socket.send(dealtFrames(encodeEvent(event)));
  }

  private async receiveLoop(): Promise<void> {
    try {
      await this.socket.receiveEach((frames) => this.dispatch(frames));
    } catch (error) {
      this.warn?.(error as Error);
    }
  }

  private dispatch(frames: Buffer[]): void {
    try {
      const event = decodeEvent(parseDealt(frames));
      const callId = event.header.response_to;
      const call = callId === undefined ? undefined : this.calls.get(idKey(callId));
      // A reply to a call that has timed out already is expected, and dropped quietly.
      if (call) call.receive(event);
      else if (callId === undefined)
        throw new ProtocolError(`${event.name} event without response_to`);
    } catch (error) {
      this.warn?.(error as Error);
    }
  }
}
