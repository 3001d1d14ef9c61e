import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Messages of this size or more are worth a garbage collection once they are done with.
 * ZeroMQ hands large messages to JavaScript without copying, so their memory is held by
 * Buffer objects until V8 collects them; on an idle server that is never, and a few hostile
 * 272 MB messages stay resident for good. A collection returns the memory to the system (with
 * `GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072`, as `npm start` runs it). The inference
 * workers use {@link releaseSoon} in the same way, after a job that leaves large buffers behind.
 */
export const LARGE_MESSAGE_BYTES = 16 * 2 ** 20;
const MIN_INTERVAL_MS = 1000;

setFlagsFromString('--expose-gc');
// The flag above makes `gc` exist in contexts created after it; a new context is one.
const collect = runInNewContext('gc') as () => void;

let scheduled: NodeJS.Timeout | undefined;
let lastAt = Number.NEGATIVE_INFINITY;

/** Collects garbage soon, at most once a second, after a large message has been done with. */
export function releaseSoon(): void {
  if (scheduled) return;
  const delayMs = Math.max(0, lastAt + MIN_INTERVAL_MS - performance.now());
  scheduled = setTimeout(() => {
    scheduled = undefined;
    lastAt = performance.now();
    collect();
  }, delayMs);
  scheduled.unref();
}
