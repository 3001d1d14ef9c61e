import {
  LostRemoteError,
  ProtocolError,
  remoteErrorFrom,
  TimeoutError,
} from '../protocol/errors.js';
import { describe, type MessageId, responseHeader, type ZerorpcEvent } from '../protocol/events.js';
import { Heartbeat } from '../protocol/heartbeat.js';
import { EVENT } from '../protocol/words.js';

export interface CallTiming {
  timeoutMs: number;
  heartbeatMs: number;
}

/**
 * One open call: its deadline, its heartbeats, and the promise its caller awaits. It settles
 * exactly once — on OK, ERR, the deadline, a lost server, or the client closing — and then stops
 * its timers, so nothing of it outlives the answer.
 */
export class OpenCall {
  readonly result: Promise<unknown>;
  private resolve!: (value: unknown) => void;
  private reject!: (error: Error) => void;
  private readonly deadline: NodeJS.Timeout;
  private readonly heartbeat: Heartbeat;
  private settled = false;

  constructor(
    readonly method: string,
    readonly id: MessageId,
    timing: CallTiming,
    send: (event: ZerorpcEvent) => void,
    private readonly onSettle: (call: OpenCall, error?: Error) => void,
  ) {
    this.result = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.deadline = setTimeout(
      () => this.fail(new TimeoutError(method, timing.timeoutMs)),
      timing.timeoutMs,
    );
    this.heartbeat = new Heartbeat(
      {
        beat: () => send({ header: responseHeader(id), name: EVENT.heartbeat, args: [0] }),
        lost: (silentMs) => this.fail(new LostRemoteError(method, silentMs)),
      },
      { intervalMs: timing.heartbeatMs, requireFromStart: true },
    );
    this.heartbeat.start();
  }

  /** Handles an event of this exchange from the server. */
  receive(event: ZerorpcEvent): void {
    this.heartbeat.heard();
    switch (event.name) {
      case EVENT.heartbeat:
        break;
      case EVENT.ok:
        this.succeed(event.args?.[0]);
        break;
      case EVENT.err: {
        const [name, message, traceback] = (event.args ?? []).map((part) => String(part ?? ''));
        this.fail(remoteErrorFrom(name || 'RemoteError', message, traceback));
        break;
      }
      default:
        this.fail(
          new ProtocolError(
            `${this.method}(): unexpected ${event.name} event (${describe(event.args)})`,
          ),
        );
    }
  }

  /** Ends the call with `error` unless it has settled already. */
  fail(error: Error): void {
    if (this.finish(error)) this.reject(error);
  }

  private succeed(value: unknown): void {
    if (this.finish()) this.resolve(value);
  }

  private finish(error?: Error): boolean {
    if (this.settled) return false;
    this.settled = true;
    clearTimeout(this.deadline);
    this.heartbeat.stop();
    this.onSettle(this, error);
    return true;
  }
}
