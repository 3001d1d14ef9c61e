import { type Logger, pino } from 'pino';

export type { Logger };

/** JSON lines on stderr, so stdout stays free for command output (results, figures). */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'maskrcnn-zmq' } }, pino.destination(2));
}
