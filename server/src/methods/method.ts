import type { Logger } from 'pino';

/** What a method's handler gets besides its arguments. */
export interface CallContext {
  /** Aborted when the caller is gone (its heartbeats stopped): drop the work, nobody will read it. */
  signal: AbortSignal;
  log: Logger;
}

/**
 * One RPC method, as dispatch and `_zerorpc_inspect` both read it. Adding a method means adding
 * one file that exports one of these and listing it in `methods/index.ts`.
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
