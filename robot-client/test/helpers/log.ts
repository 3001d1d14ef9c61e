import { pino } from 'pino';

export interface CapturedLog {
  log: pino.Logger;
  lines: Record<string, unknown>[];
}

/** A real pino logger whose JSON lines are kept for the test to read. */
export function captureLog(): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { log, lines };
}
