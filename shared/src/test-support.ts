/**
 * What every package's tests share. First, the one rule they follow for tools outside Node (a
 * ROS master, Xvfb, Chromium, Python, systemd-analyze, an optional native package): a test that
 * needs a missing tool skips and says what to install; where `MASKRCNN_ZMQ_REQUIRE_ALL` is set
 * (`.ci/run` sets it, having installed everything) the missing tool fails the test instead, so
 * CI cannot skip silently. Then waiting for a process or a log to reach a state. Imported by
 * tests only, as `@maskrcnn-zmq/shared/test-support`; not part of the package's API
 * (`src/index.ts`).
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The variable that turns every skip for a missing tool into a failure. */
export const REQUIRE_ALL = 'MASKRCNN_ZMQ_REQUIRE_ALL';

/**
 * A test's `skip` option for a tool outside Node: false where it is here, else the reason
 * (`needs …`), which node:test prints. Throws where `MASKRCNN_ZMQ_REQUIRE_ALL` is set and the
 * tool is missing; called at a test file's top level, that fails the file.
 */
export function skipUnless(available: boolean, need: string): string | false {
  if (available) return false;
  if (process.env[REQUIRE_ALL]) {
    throw new Error(`this test needs ${need}, and ${REQUIRE_ALL} is set`);
  }
  return `needs ${need}`;
}

/** Whether `command` is an executable file in a folder of `PATH` (or the path given). */
export function onPath(command: string, path = process.env.PATH ?? ''): boolean {
  const candidates = command.includes('/')
    ? [command]
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((folder) => join(folder, command));
  return candidates.some((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Resolves once `done()` holds, checking every 50 ms; rejects with `what` after `timeoutMs`. */
export async function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}
