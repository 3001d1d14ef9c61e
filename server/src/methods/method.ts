import type { Logger } from 'pino';

/** What a method's handler gets besides its arguments. */
export interface CallContext {
  /**
   * Aborted when nobody will read the answer (the caller's heartbeats stopped, or its deadline
   * passed); its reason is the error to answer with.
   */
  signal: AbortSignal;
  log: Logger;
  /** The peer (socket) that called, so the queue can share workers fairly between peers. */
  peer: string;
  /** Sets a deadline `timeoutMs` after the call arrived; the earliest of several wins. */
  limitTime(timeoutMs: number): void;
}

/**
 * One RPC method, as dispatch and `_zerorpc_inspect` both read it. Adding a method means adding
 * one file that exports one of these and listing it where the server builds its dispatcher
 * (`server.ts`).
 */
export interface Method {
  name: string;
  /** Shown by `_zerorpc_help` and `_zerorpc_inspect`. */
  doc: string;
  /** Positional argument names; those in `optional` may be left out. */
  args: string[];
  optional?: string[];
  handler(args: unknown[], context: CallContext): Promise<unknown>;
}
