import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { VisionClient } from '@maskrcnn-zmq/shared';
import { Counters } from '../../src/ops/counters.js';
import { photo, startServer } from '../helpers.js';

const SECONDS = 4;
const JPEG_FILE = photo('000000000599.jpg');
const jpeg = readFileSync(JPEG_FILE);
const GREEDY_PEER = fileURLToPath(new URL('../../bench/greedy-peer.js', import.meta.url));

/** getMask replies that `clients` honest callers, one call out each, get in `SECONDS`. */
async function honestReplies(endpoint: string, clients: number): Promise<number> {
  const callers = Array.from({ length: clients }, () => new VisionClient({ endpoint }));
  const until = performance.now() + SECONDS * 1000;
  let replies = 0;
  try {
    await Promise.all(
      callers.map(async (caller) => {
        while (performance.now() < until) {
          await caller.getMask(jpeg);
          replies++;
        }
      }),
    );
  } finally {
    for (const caller of callers) caller.close();
  }
  return replies;
}

/**
 * A greedy peer (its own process, `bench/greedy-peer.ts`) floods getMask and never reads a reply:
 *
 *   greedy --getMask, getMask, getMask…--> server   (never receives)
 *   server: the greedy peer holds at most its share of the queue (Overloaded beyond it), and the
 *           next call served is from the peer with the fewest calls out: the honest ones
 *   honest ×2 --getMask--> server, one at a time, as before
 */
describe('server fairness', () => {
  it('gives a peer that floods and never reads only the worker time nobody else waits for', async (t) => {
    const counters = new Counters();
    const server = await startServer({ perPeerQueueLimit: 4, counters });
    /** getMask calls answered OK so far, honest or greedy. */
    const answered = async () =>
      (await counters.registry.getSingleMetric('maskrcnn_calls_total')?.get())?.values
        .filter(({ labels }) => labels.method === 'getMask' && labels.outcome === 'ok')
        .reduce((sum, { value }) => sum + value, 0) ?? 0;
    try {
      const alone = await honestReplies(server.endpoint, 2);

      const greedy = spawn(process.execPath, [GREEDY_PEER, server.endpoint, JPEG_FILE], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let output = '';
      greedy.stdout.on('data', (chunk) => {
        output += chunk;
      });
      const exited = once(greedy, 'exit');
      await sleep(200); // Its first calls are in before the honest ones start.
      const before = await answered();
      const contested = await honestReplies(server.endpoint, 2);
      const greedyServed = (await answered()) - before - contested;
      greedy.kill('SIGTERM');
      await exited;
      const sent = Number(output.trim());

      const share = `${alone} alone, ${contested} beside the flood (${((100 * contested) / alone).toFixed(0)}%)`;
      t.diagnostic(
        `honest replies: ${share}; the greedy peer sent ${sent} and had ${greedyServed} served meanwhile`,
      );
      assert.ok(sent > 400, `the greedy peer sent ${sent}`);
      assert.ok(
        counters.snapshot().errors.Overloaded > 0,
        'the greedy peer was refused past its share',
      );
      // Served only when no honest call waited: a handful, where a reply's turnaround outlasted a job.
      assert.ok(
        greedyServed <= 2 + 0.05 * contested,
        `the greedy peer had ${greedyServed} calls served beside ${contested} honest ones`,
      );
      // What is lost beyond that is the flood's own cost on two shared cores (reading 200
      // messages a second and refusing most), not worker time taken from the honest callers.
      assert.ok(contested >= 0.75 * alone, `honest replies: ${share}`);
    } finally {
      await server.close();
    }
  });
});
