import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ServerInfo, VisionClient, ZerorpcClient } from '@maskrcnn-zmq/shared';
import sharp from 'sharp';
import { photo, pythonCall, startServer, WITHOUT_PYTHON } from '../helpers.js';

const jpeg = readFileSync(photo('000000000459.jpg'));

/**
 * Work nobody will read is never started. A caller's deadline travels with its call (the
 * header's `timeout_ms`, or the `timeoutMs` option), and the server's `--max-wait-ms` bounds
 * every wait:
 *
 *   client --getMask, timeout_ms 150--> server   ×16, queued behind each other
 *   client gives up on each after 150 ms (no heartbeat ever sent)
 *   server: each deadline passes while queued → dropped unstarted, counted
 *   client --getMask--> server   served next, not behind the dead calls
 */
describe('server deadlines', () => {
  it('drops queued calls whose caller gave up before beating, so a later call waits for none of them', async () => {
    const server = await startServer();
    // One socket for all: the later call queues behind the abandoned ones, fairness aside.
    const client = new ZerorpcClient({ endpoint: server.endpoint, timeoutMs: 30_000 });
    try {
      const abandoned = Array.from({ length: 16 }, () =>
        client.call('getMask', [jpeg], { timeoutMs: 150 }).then(
          () => 'OK',
          (error: Error) => error.name,
        ),
      );
      const outcomes = await Promise.all(abandoned);
      const timedOut = outcomes.filter((name) => name === 'Timeout').length;
      assert.ok(timedOut >= 8, outcomes.join(', '));
      const started = performance.now();
      await client.call('getMask', [jpeg]);
      const waitedMs = performance.now() - started;
      const { counters, queue } = (await client.call('info')) as ServerInfo;
      // A reply may cross its caller's deadline on the wire: all but one are counted.
      assert.ok(counters.abandoned.deadline >= timedOut - 1, JSON.stringify(counters.abandoned));
      assert.deepEqual([queue.waiting, queue.running], [0, 0]);
      assert.ok(waitedMs < 1000, `the later call took ${waitedMs.toFixed(0)} ms`);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('takes the deadline from a Python caller’s timeoutMs option too, and answers DeadlineExceeded', {
    skip: WITHOUT_PYTHON,
  }, async () => {
    const server = await startServer();
    const busy = Array.from({ length: 4 }, () => new VisionClient({ endpoint: server.endpoint }));
    try {
      const ahead = busy.map((client) => client.getMask(jpeg));
      await sleep(100);
      const reply = await pythonCall(server.endpoint, 'detect', [{ timeoutMs: 50 }], {
        image: photo('000000000459.jpg'),
      });
      await Promise.all(ahead);
      assert.equal(reply.err?.[0], 'DeadlineExceeded');
      assert.match(reply.err?.[1] ?? '', /within its timeout of 50 ms/);
    } finally {
      for (const client of busy) client.close();
      await server.close();
    }
  });

  it('stops a running job at its next stage when the deadline passes, answering at once', async (t) => {
    const server = await startServer();
    const client = new VisionClient({ endpoint: server.endpoint, timeoutMs: 30_000 });
    try {
      // 49 megapixels: decoding takes a good part of 200 ms, the stages after it a second more.
      const big = await sharp(jpeg).resize(7000, 7000, { fit: 'fill' }).jpeg().toBuffer();
      await client.info();
      let started = performance.now();
      await client.getMask(big);
      const wholeMs = performance.now() - started;

      started = performance.now();
      await assert.rejects(client.getMask(big, { timeoutMs: 60 }), { name: 'DeadlineExceeded' });
      const answeredMs = performance.now() - started;
      const until = performance.now() + 10_000;
      while ((await client.info()).queue.running > 0 && performance.now() < until) await sleep(5);
      const idleMs = performance.now() - started;
      t.diagnostic(
        `whole job ${wholeMs.toFixed(0)} ms; deadline answered at ${answeredMs.toFixed(0)} ms, worker idle at ${idleMs.toFixed(0)} ms`,
      );
      assert.ok(answeredMs < 300, `answered after ${answeredMs.toFixed(0)} ms`);
      assert.ok(idleMs < wholeMs / 2, `the worker ran on for ${idleMs.toFixed(0)} ms`);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('answers DeadlineExceeded for a call that waited past --max-wait-ms', async () => {
    const server = await startServer({ maxWaitMs: 100 });
    const clients = Array.from(
      { length: 4 },
      () => new VisionClient({ endpoint: server.endpoint }),
    );
    try {
      const outcomes = await Promise.all(
        clients.map((client) =>
          client.getMask(jpeg).then(
            () => 'ok',
            (error: Error) => `${error.name}: ${error.message}`,
          ),
        ),
      );
      assert.ok(outcomes.includes('ok'));
      const expired = outcomes.filter((outcome) => outcome !== 'ok');
      assert.ok(expired.length > 0, outcomes.join('; '));
      for (const outcome of expired) {
        assert.equal(
          outcome,
          "DeadlineExceeded: the call waited 100 ms for a worker (the server's --max-wait-ms) and was dropped unstarted",
        );
      }
    } finally {
      for (const client of clients) client.close();
      await server.close();
    }
  });
});
