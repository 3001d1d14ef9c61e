/**
 * An honest client calling `info()` every interval, then printing what its calls saw as JSON
 * (`HonestCalls`). A process of its own (`ScriptProcess`), so that the fuzz's work of building
 * and sending hostile messages does not hold its replies up: it times the server, not the fuzz
 * (in the fuzz's process, building the first messages alone held a reply 1.7 s).
 *
 * Run: node liveness-probe.js ENDPOINT EVERY_MS; it calls until its standard input closes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { VisionClient } from '@maskrcnn-zmq/shared';
import { stopWhenInputCloses } from '../script-process.js';
import type { HonestCalls } from './run-fuzz.js';

/** Each call's deadline: an answer later than this counts as a failure. */
const CALL_TIMEOUT_MS = 10_000;

const [endpoint, everyMs] = process.argv.slice(2);
const client = new VisionClient({ endpoint, timeoutMs: CALL_TIMEOUT_MS });
const calls: HonestCalls = { ok: 0, failed: 0, errors: {}, slowestMs: 0 };
const stop = stopWhenInputCloses();

while (!stop.aborted) {
  const started = performance.now();
  try {
    await client.info();
    calls.ok++;
  } catch (error) {
    const name = (error as Error).name;
    calls.failed++;
    calls.errors[name] = (calls.errors[name] ?? 0) + 1;
  }
  calls.slowestMs = Math.max(calls.slowestMs, performance.now() - started);
  await sleep(Number(everyMs), undefined, { signal: stop }).catch(() => {});
}
client.close();
process.stdout.write(`${JSON.stringify(calls)}\n`);
