import type { Logger } from 'pino';

/**
 * Log lines for events a peer can cause at will (malformed messages, expired calls): the first of
 * each kind is logged at once, then at most one line per kind per interval, carrying how many
 * were not logged in between. 100,000 bad messages cost a few lines, not 200 MB of log.
 */
export class RateLimitedLog {
  private readonly kinds = new Map<string, { loggedAt: number; unlogged: number }>();

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 10_000,
  ) {}

  /** Logs `message` at warn for `kind` unless a line for it went out within the interval. */
  warn(kind: string, fields: Record<string, unknown>, message: string): void {
    const now = performance.now();
    const seen = this.kinds.get(kind);
    if (seen && now - seen.loggedAt < this.intervalMs) {
      seen.unlogged++;
      return;
    }
    this.log.warn({ kind, ...fields, ...(seen && { notLoggedSince: seen.unlogged }) }, message);
    this.kinds.set(kind, { loggedAt: now, unlogged: 0 });
  }
}
