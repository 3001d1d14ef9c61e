import type { Logger } from 'pino';
import type { Composite, Display } from './display.js';

/** Failures in a row after which a display is retired. */
export const MAX_DISPLAY_FAILURES = 5;

/** Every display failed (or none could start): nobody would see the composites. */
export class NoDisplayLeftError extends Error {
  override name = 'NoDisplayLeft';
}

interface Entry {
  display: Display;
  failures: number;
  reported: boolean;
}

/**
 * The displays as the loop sees them: a display whose `show()` throws or rejects is logged once
 * and tried again with the next composite; after {@link MAX_DISPLAY_FAILURES} failures in a row
 * it is closed and left out, and the others go on. When the last one goes, `onNoneLeft` is told.
 */
export class GuardedDisplays {
  private readonly entries: Entry[];

  constructor(
    displays: readonly Display[],
    private readonly log: Logger,
    private readonly onNoneLeft: (error: NoDisplayLeftError) => void,
    private readonly maxFailures = MAX_DISPLAY_FAILURES,
  ) {
    this.entries = displays.map((display) => ({ display, failures: 0, reported: false }));
  }

  /** Displays still running. */
  get live(): number {
    return this.entries.length;
  }

  /** Shows the composite on every display still running; never throws. */
  show(composite: Composite): void {
    for (const entry of [...this.entries]) {
      try {
        const shown = entry.display.show(composite);
        if (shown instanceof Promise)
          shown.then(
            () => this.succeeded(entry),
            (error) => this.failed(entry, error),
          );
        else this.succeeded(entry);
      } catch (error) {
        this.failed(entry, error);
      }
    }
  }

  private succeeded(entry: Entry): void {
    entry.failures = 0;
  }

  private failed(entry: Entry, error: unknown): void {
    if (!this.entries.includes(entry)) return;
    const { name } = entry.display;
    entry.failures++;
    if (!entry.reported) {
      entry.reported = true;
      this.log.error(
        { display: name, err: error },
        `the ${name} display failed to show a composite; it is tried again with the next one`,
      );
    }
    if (entry.failures < this.maxFailures) return;
    this.entries.splice(this.entries.indexOf(entry), 1);
    this.log.error(
      { display: name, err: error },
      `the ${name} display failed ${entry.failures} times in a row; it is closed and left out`,
    );
    entry.display.close().catch(() => {});
    if (this.entries.length === 0) this.onNoneLeft(noDisplayLeft());
  }
}

/** The one message for a node with nobody to show composites to. */
export function noDisplayLeft(): NoDisplayLeftError {
  return new NoDisplayLeftError(
    'no display is left (each one failed to start or kept failing; see the errors above): ' +
      "the node stops rather than spend the server's time for nobody",
  );
}
