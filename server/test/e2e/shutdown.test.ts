import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { VisionClient } from '@maskrcnn-zmq/shared';
import { ServerProcess } from '../../bench/server-process.js';
import { photo } from '../helpers.js';

const jpeg = readFileSync(photo('000000000034.jpg'));
const outcome = (call: Promise<unknown>) =>
  call.then(
    () => 'OK',
    (error: Error) => error.name,
  );

async function untilRunning(client: VisionClient, running: number, waiting: number): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    const { queue } = await client.info();
    if (queue.running === running && queue.waiting === waiting) return;
    await sleep(2);
  }
  throw new Error(`never ${running} running and ${waiting} waiting`);
}

/**
 * SIGTERM (or Ctrl-C's SIGINT) during inference, as `maskrcnn-zmq serve` runs:
 *
 *   a, b, c --getMask--> server        (a runs, b and c wait)
 *   operator --SIGTERM--> server
 *   d --getMask--> server              → ERR ShuttingDown (no new calls)
 *   b, c                               → ERR ShuttingDown at once (they had not started)
 *   a                                  → OK within the grace period
 *   server exits 0
 */
describe('server shutdown', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${signal} answers every caller, lets the running call finish, and exits 0`, async () => {
      const server = await ServerProcess.start({ flags: ['--shutdown-grace-ms', '20000'] });
      const [a, b, c, d, watcher] = Array.from(
        { length: 5 },
        () => new VisionClient({ endpoint: server.endpoint, timeoutMs: 30_000 }),
      );
      try {
        await Promise.all([b, c, d, watcher].map((client) => client.info()));
        const running = outcome(a.getMask(jpeg));
        await untilRunning(watcher, 1, 0);
        const waiting = [b, c].map((client) => outcome(client.getMask(jpeg)));
        await untilRunning(watcher, 1, 2);
        const exited = server.stop(signal);
        await sleep(20);
        const late = await outcome(d.getMask(jpeg));
        assert.deepEqual(await Promise.all(waiting), ['ShuttingDown', 'ShuttingDown']);
        assert.equal(await running, 'OK');
        assert.equal(late, 'ShuttingDown');
        assert.deepEqual(await exited, { code: 0, signal: null });
      } finally {
        for (const client of [a, b, c, d, watcher]) client.close();
        if (server.alive) await server.stop('SIGKILL');
      }
    });
  }

  it('answers a call still running when the grace period ends with ShuttingDown, and exits 0', async () => {
    const server = await ServerProcess.start({ flags: ['--shutdown-grace-ms', '1'] });
    const client = new VisionClient({ endpoint: server.endpoint, timeoutMs: 30_000 });
    const watcher = new VisionClient({ endpoint: server.endpoint, timeoutMs: 30_000 });
    try {
      await watcher.info();
      const running = outcome(client.getMask(jpeg));
      await untilRunning(watcher, 1, 0);
      const exited = server.stop('SIGTERM');
      assert.equal(await running, 'ShuttingDown');
      // Ending the worker mid-inference never aborts the server (it did, exit 134, with threads).
      assert.deepEqual(await exited, { code: 0, signal: null });
    } finally {
      client.close();
      watcher.close();
      if (server.alive) await server.stop('SIGKILL');
    }
  });
});
