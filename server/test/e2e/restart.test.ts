import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { VisionClient } from '@maskrcnn-zmq/shared';
import { ServerProcess } from '../../bench/server-process.js';
import { photo } from '../helpers.js';

const jpeg = readFileSync(photo('000000000459.jpg'));

/**
 * kill -9 mid-load, then a new server where the old one was:
 *
 *   callers ×2 --getMask--> server        (OK, OK, …)
 *   kill -9 server                        calls in flight: Timeout or LostRemote
 *   new server on the same endpoint
 *   callers, the same client objects --getMask--> new server   (OK again, by themselves)
 */
describe('server killed and restarted', () => {
  it('the TypeScript client recovers by itself', async () => {
    let server = await ServerProcess.start();
    const { endpoint } = server;
    const clients = Array.from(
      { length: 2 },
      () => new VisionClient({ endpoint, timeoutMs: 2000, heartbeatMs: 500 }),
    );
    const outcomes: Array<{ at: number; ok: boolean; error?: string }> = [];
    let running = true;
    const load = Promise.all(
      clients.map(async (client) => {
        while (running) {
          try {
            await client.getMask(jpeg);
            outcomes.push({ at: performance.now(), ok: true });
          } catch (error) {
            outcomes.push({ at: performance.now(), ok: false, error: (error as Error).name });
            await sleep(100);
          }
        }
      }),
    );
    try {
      const until = performance.now() + 20_000;
      while (outcomes.filter((o) => o.ok).length < 5 && performance.now() < until) await sleep(20);
      assert.ok(outcomes.filter((o) => o.ok).length >= 5, 'five calls before the kill');
      await server.stop('SIGKILL');
      const killedAt = performance.now();
      await sleep(2500);
      server = await ServerProcess.start({ endpoint });
      const readyAt = performance.now();
      while (!outcomes.some((o) => o.ok && o.at > readyAt) && performance.now() < readyAt + 15_000)
        await sleep(50);
      const during = outcomes.filter((o) => o.at > killedAt + 100 && o.at < readyAt);
      assert.ok(during.length > 0 && during.every((o) => !o.ok), 'calls failed while it was down');
      assert.ok(
        during.every((o) => o.error === 'Timeout' || o.error === 'LostRemote'),
        during.map((o) => o.error).join(', '),
      );
      const recovered = outcomes.find((o) => o.ok && o.at > readyAt);
      assert.ok(recovered, 'no call succeeded within 15 s of the new server being ready');
    } finally {
      running = false;
      await load;
      for (const client of clients) client.close();
      await server.stop();
    }
  });
});
