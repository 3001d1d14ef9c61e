import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { VisionClient } from '@maskrcnn-zmq/shared';
import { ScriptProcess } from '../../bench/script-process.js';
import { Counters } from '../../src/ops/counters.js';
import { photo, startServer } from '../helpers.js';

const SECONDS = 4;
const JPEG_FILE = photo('000000000599.jpg');
const jpeg = readFileSync(JPEG_FILE);
const GREEDY_PEER = fileURLToPath(new URL('../../bench/greedy-peer.js', import.meta.url));

/**
 * getMask replies that `clients` honest callers, one call out each, get in about `SECONDS`, and
 * the seconds that took.
 */
async function honestReplies(
  endpoint: string,
  clients: number,
): Promise<{ replies: number; seconds: number }> {
  const callers = Array.from({ length: clients }, () => new VisionClient({ endpoint }));
  const start = performance.now();
  const until = start + SECONDS * 1000;
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
  return { replies, seconds: (performance.now() - start) / 1000 };
}

/**
 * The sum of a metric's series named `series` (a counter, or a histogram's `_sum`) whose labels
 * pass `keep`.
 */
async function total(
  counters: Counters,
  metric: string,
  series: string,
  keep: (labels: Record<string, string | number | undefined>) => boolean = () => true,
): Promise<number> {
  const values = (await counters.registry.getSingleMetric(metric)?.get())?.values ?? [];
  return values
    .filter(
      (value) =>
        ('metricName' in value ? value.metricName : metric) === series && keep(value.labels),
    )
    .reduce((sum, { value }) => sum + value, 0);
}

/**
 * A greedy peer (its own process, `bench/greedy-peer.ts`) floods getMask and never reads a reply:
 *
 *   greedy --getMask, getMask, getMask…--> server   (never receives)
 *   server: the greedy peer holds at most its share of the queue (Overloaded beyond it), and the
 *           next call served is from the peer with the fewest calls out: the honest ones
 *   honest ×2 --getMask--> server, one at a time, as before
 *
 * Fairness is measured in the worker's time, which the flood's CPU cost on two shared cores
 * cannot blur: whose jobs ran, and how busy the honest callers kept the worker. Their throughput
 * is reported beside it; it also falls by what the flood's own reading and refusing costs the
 * cores the model runs on, which is the host's noise, not the server's unfairness.
 */
describe('server fairness', () => {
  it('gives a peer that floods and never reads only the worker time nobody else waits for', async (t) => {
    const counters = new Counters();
    const server = await startServer({ perPeerQueueLimit: 4, counters });
    const answered = () =>
      total(counters, 'maskrcnn_calls_total', 'maskrcnn_calls_total', (labels) => {
        return labels.method === 'getMask' && labels.outcome === 'ok';
      });
    const workerSeconds = () =>
      total(counters, 'maskrcnn_stage_duration_seconds', 'maskrcnn_stage_duration_seconds_sum');
    /** Honest replies in a window, and the share of it the worker spent on jobs. */
    const measure = async () => {
      const [calls, busy] = [await answered(), await workerSeconds()];
      const honest = await honestReplies(server.endpoint, 2);
      return {
        ...honest,
        served: (await answered()) - calls,
        busy: ((await workerSeconds()) - busy) / honest.seconds,
      };
    };
    try {
      const alone = await measure();

      const greedy = new ScriptProcess(GREEDY_PEER, [server.endpoint, JPEG_FILE]);
      await sleep(200); // Its first calls are in before the honest ones start.
      const contested = await measure();
      const greedyServed = contested.served - contested.replies;
      const sent = Number(await greedy.stop());

      const percent = (x: number) => `${(100 * x).toFixed(0)}%`;
      const busy = `worker busy ${percent(alone.busy)} alone, ${percent(contested.busy)} beside the flood`;
      t.diagnostic(
        `honest replies: ${alone.replies} alone, ${contested.replies} beside the flood ` +
          `(${percent(contested.replies / alone.replies)}); ${busy}; ` +
          `the greedy peer sent ${sent} and had ${greedyServed} served meanwhile`,
      );
      // A flood: many times what the worker serves, so that fairness, not the flood's pace, decides.
      assert.ok(sent > 5 * contested.served, `the greedy peer sent ${sent}`);
      assert.ok(
        counters.snapshot().errors.Overloaded > 0,
        'the greedy peer was refused past its share',
      );
      // Served only when no honest call waited: a handful, where a reply's turnaround outlasted a job.
      assert.ok(
        greedyServed <= 2 + 0.05 * contested.replies,
        `the greedy peer had ${greedyServed} calls served beside ${contested.replies} honest ones`,
      );
      // The honest callers kept the worker as busy as alone: the router, reading the flood and
      // refusing it, still hands each honest call over as the previous job ends.
      assert.ok(contested.busy >= 0.85 * alone.busy, busy);
    } finally {
      await server.close();
    }
  });
});
