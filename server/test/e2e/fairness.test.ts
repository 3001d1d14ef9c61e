import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  encodeEvent,
  newMessageId,
  requestHeader,
  type ServerInfo,
  VisionClient,
} from '@maskrcnn-zmq/shared';
import { Dealer } from 'zeromq';
import { photo, startServer } from '../helpers.js';

const SECONDS = 4;
const jpeg = readFileSync(photo('000000000599.jpg'));

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
 * A greedy peer floods getMask and never reads a reply:
 *
 *   greedy --getMask, getMask, getMask…--> server   (never receives)
 *   server: the greedy peer holds at most its share of the queue (Overloaded beyond it), and the
 *           next call served is from the peer with the fewest calls out: the honest ones
 *   honest ×2 --getMask--> server, one at a time, as before
 */
describe('server fairness', () => {
  it('keeps at least 80% of honest throughput while one peer floods and never reads', async (t) => {
    const server = await startServer({ perPeerQueueLimit: 4 });
    try {
      const alone = await honestReplies(server.endpoint, 2);

      const greedy = new Dealer({ linger: 0, sendHighWaterMark: 100_000 });
      greedy.connect(server.endpoint);
      let flooding = true;
      let sent = 0;
      const flood = (async () => {
        while (flooding) {
          const event = { header: requestHeader(newMessageId()), name: 'getMask', args: [jpeg] };
          await greedy.send([Buffer.alloc(0), encodeEvent(event)]);
          sent++;
          // 200 calls a second, ten times what the worker serves: a flood, not a loopback benchmark.
          await sleep(5);
        }
      })();
      const contested = await honestReplies(server.endpoint, 2);
      flooding = false;
      await flood;
      greedy.close();

      const watcher = new VisionClient({ endpoint: server.endpoint });
      const { counters } = (await watcher.info()) as ServerInfo;
      watcher.close();
      const share = `${alone} alone, ${contested} beside the flood (${((100 * contested) / alone).toFixed(0)}%)`;
      t.diagnostic(`honest replies: ${share}; the greedy peer sent ${sent}`);
      assert.ok(sent > 400, `the greedy peer sent ${sent}`);
      assert.ok(counters.errors.Overloaded > 0, 'the greedy peer was refused past its share');
      assert.ok(contested >= 0.8 * alone, `honest replies: ${share}`);
    } finally {
      await server.close();
    }
  });
});
