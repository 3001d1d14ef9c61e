import type { Logger } from 'pino';
import type { CallRunner } from '../../calls/call-runner.js';
import type { JobPool } from '../../jobs/job-pool.js';
import type { Dispatcher } from '../../rpc/dispatch.js';

/** What the HTTP door uses of the server: the same runner, methods and pool as every door. */
export interface DoorServices {
  runner: CallRunner;
  dispatcher: Dispatcher;
  pool: JobPool;
  /** The server's name and version, for `GET /v2`. */
  server: { name: string; version: string };
  /** The largest request body accepted, in bytes (`--max-message-mb`). */
  maxMessageBytes: number;
  log: Logger;
}
