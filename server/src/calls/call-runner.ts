import {
  DeadlineExceededError,
  InternalError,
  RemoteError,
  ShuttingDownError,
} from '@maskrcnn-zmq/shared';
import type { Logger } from 'pino';
import type { CallContext } from '../methods/method.js';
import type { Counters } from '../ops/counters.js';

/** The ways in: the zerorpc ROUTER, the HTTP server, the gRPC server. */
export type Door = 'zmq' | 'http' | 'grpc';

/** One call as a door hands it over, whatever its wire looks like. */
export interface Call {
  door: Door;
  /** The method the caller asked for, as logs show it. */
  method: string;
  /** The method as a metric label: callers choose names, so a door folds unknown ones into one. */
  label?: string;
  /**
   * The caller's own id for the call where its wire has one, so both sides can find it in logs,
   * which keep its first 64 characters.
   */
  requestId: string;
  /** Who called (a ZeroMQ identity, a remote address), for logs and the fair queue. */
  peer: string;
  /** The caller's timeout from the envelope (zerorpc header, `grpc-timeout`, a header). */
  timeoutMs?: number;
  /** Aborted when the caller is gone (heartbeats stopped, connection closed); its reason says how. */
  gone?: AbortSignal;
}

/** A caller's own request id, as long as logs keep it: callers choose ids, some of megabytes. */
const LOGGED_ID_CHARS = 64;

/** setTimeout's longest delay; a longer deadline is as good as none. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs calls from every door the same way: one deadline policy (the earliest of the envelope's
 * timeout and the method's `timeoutMs` option), one shutdown switch, one log line and one count
 * per call, labelled by door. The doors only translate their wire to a {@link Call} and the
 * {@link RemoteError} they get back to their own status codes.
 */
export class CallRunner {
  private acceptingCalls = true;

  constructor(
    private readonly counters: Counters,
    private readonly log: Logger,
  ) {}

  /** Whether new calls are taken: true until shutdown begins. */
  get accepting(): boolean {
    return this.acceptingCalls;
  }

  /** From now on, every door answers new calls with `ShuttingDown`; open ones carry on. */
  refuseNewCalls(): void {
    this.acceptingCalls = false;
  }

  /**
   * Runs `work` as one call and logs and counts how it ended.
   * @returns its result, unless the caller is gone (then it rejects and nobody should answer).
   * @throws a {@link RemoteError}, always: wire errors as they are, anything else as
   *   `InternalError` (logged with its stack, which callers never see).
   */
  async run<T>(call: Call, work: (context: CallContext) => Promise<T>): Promise<T> {
    const started = performance.now();
    if (!this.acceptingCalls) {
      const error = new ShuttingDownError('the server is shutting down; it takes no new calls');
      this.refused(call, error);
      throw error;
    }
    const label = call.label ?? call.method;
    const { door, peer, method, gone } = call;
    const log = this.log.child({ door, requestId: loggedId(call), peer, method });
    const abort = new AbortController();
    let deadlineAt = Number.POSITIVE_INFINITY;
    let deadline: NodeJS.Timeout | undefined;
    const limitTime = (timeoutMs: number) => {
      const at = started + Math.min(timeoutMs, MAX_TIMER_MS);
      if (at >= deadlineAt) return;
      clearTimeout(deadline);
      deadlineAt = at;
      deadline = setTimeout(() => {
        this.counters.abandoned('deadline');
        log.info({ timeoutMs }, "the caller's deadline passed; its work is dropped");
        abort.abort(
          new DeadlineExceededError(
            `no answer could reach the caller within its timeout of ${timeoutMs} ms; the call was dropped`,
          ),
        );
      }, at - performance.now());
    };
    const onGone = () => abort.abort(gone?.reason);
    gone?.addEventListener('abort', onGone, { once: true });
    try {
      if (gone?.aborted) throw gone.reason;
      if (call.timeoutMs !== undefined) limitTime(call.timeoutMs);
      const result = await work({ signal: abort.signal, log, peer, limitTime });
      this.ended(door, label, 'ok', started, log);
      return result;
    } catch (error) {
      if (gone?.aborted) {
        this.counters.abandoned('lostCaller');
        this.ended(door, label, 'lost', started, log);
        throw error;
      }
      const remote = asRemoteError(error, log);
      this.ended(door, label, remote.name, started, log);
      throw remote;
    } finally {
      clearTimeout(deadline);
      gone?.removeEventListener('abort', onGone);
    }
  }

  /** Counts and logs a call a door refused before it could run (unreadable, shutting down). */
  refused(call: Call, error: RemoteError): void {
    this.counters.callEnded(call.door, call.label ?? call.method, error.name, 0);
    this.log.debug(
      {
        door: call.door,
        requestId: loggedId(call),
        peer: call.peer,
        outcome: error.name,
        problem: error.message,
      },
      'call refused',
    );
  }

  private ended(door: Door, label: string, outcome: string, started: number, log: Logger): void {
    const ms = performance.now() - started;
    this.counters.callEnded(door, label, outcome, ms);
    // Each call is a line at info; the errors a caller can provoke at will go to debug.
    const level = outcome === 'ok' ? 'info' : 'debug';
    log[level]({ outcome, ms: Math.round(ms) }, 'call finished');
  }
}

/** The caller's request id as logs keep it. */
function loggedId(call: Call): string {
  return call.requestId.slice(0, LOGGED_ID_CHARS);
}

/** A failure as callers see it: wire errors as they are, anything else `InternalError`. */
function asRemoteError(error: unknown, log: Logger): RemoteError {
  if (error instanceof RemoteError) return error;
  log.error({ err: error }, 'method failed unexpectedly');
  return new InternalError(error instanceof Error ? error.message : String(error));
}
