import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { VisionClient, ZerorpcClient } from '@maskrcnn-zmq/shared';
import sharp from 'sharp';
import { Dealer } from 'zeromq';
import { freePort, ServerProcess } from '../../bench/server-process.js';
import { photo } from '../helpers.js';

const jpeg = readFileSync(photo('000000000034.jpg'));

/** The HTTP status of `url`, or 0 while nothing listens. */
const status = (url: string) =>
  fetch(url).then(
    (response) => response.status,
    () => 0,
  );

/** The value of one sample in Prometheus text, e.g. `maskrcnn_calls_total{door="zmq",method="info",outcome="ok"}`. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/**
 * `serve --metrics-port`, scraped as Prometheus would:
 *
 *   /readyz   503 while the model warms up, 200 once "ready", 503 again while shutting down
 *   /healthz  200 whenever the process is alive
 *   /metrics  counts and histograms that move with real calls
 */
describe('server metrics and health', () => {
  it('is ready only between warm-up and shutdown, and its metrics count real calls', async () => {
    const metricsPort = await freePort();
    const base = `http://127.0.0.1:${metricsPort}`;
    const starting = ServerProcess.start({
      flags: ['--metrics-port', String(metricsPort), '--shutdown-grace-ms', '20000'],
    });
    const seen: number[] = [];
    let server: ServerProcess | undefined;
    let failed: unknown;
    starting.then(
      (started) => {
        server = started;
      },
      (error) => {
        failed = error;
      },
    );
    while (!server && !failed) {
      seen.push(await status(`${base}/readyz`));
      await sleep(10);
    }
    if (!server) throw failed;
    const client = new VisionClient({ endpoint: server.endpoint, timeoutMs: 30_000 });
    try {
      assert.ok(seen.includes(503), `/readyz during warm-up: ${[...new Set(seen)].join(', ')}`);
      assert.equal(await status(`${base}/readyz`), 200);
      assert.equal(await status(`${base}/healthz`), 200);

      await client.getMask(jpeg);
      await client.getMask(jpeg);
      await assert.rejects(client.detect(jpeg, { treshold: 1 } as object), { name: 'BadRequest' });
      const rpc = new ZerorpcClient({ endpoint: server.endpoint });
      await assert.rejects(rpc.call('segment'), { name: 'NameError' });
      await assert.rejects(rpc.call('segment2'), { name: 'NameError' });
      rpc.close();
      const raw = new Dealer({ linger: 0 });
      raw.connect(server.endpoint);
      await raw.send([Buffer.alloc(0), Buffer.from([0xc1])]);
      await sleep(100);
      raw.close();

      const text = await (await fetch(`${base}/metrics`)).text();
      assert.equal(
        sample(text, 'maskrcnn_calls_total{door="zmq",method="getMask",outcome="ok"}'),
        2,
      );
      assert.equal(
        sample(text, 'maskrcnn_calls_total{door="zmq",method="detect",outcome="BadRequest"}'),
        1,
      );
      // Callers choose method names: unknown ones share one label, whatever they are.
      assert.equal(
        sample(text, 'maskrcnn_calls_total{door="zmq",method="(unknown)",outcome="NameError"}'),
        2,
      );
      assert.equal(
        sample(text, 'maskrcnn_call_duration_seconds_count{door="zmq",method="getMask"}'),
        2,
      );
      assert.ok(
        sample(text, 'maskrcnn_call_duration_seconds_sum{door="zmq",method="getMask"}') > 0,
      );
      for (const stage of ['decode', 'model', 'masks', 'encode']) {
        assert.equal(
          sample(text, `maskrcnn_stage_duration_seconds_count{stage="${stage}"}`),
          2,
          stage,
        );
      }
      assert.ok(sample(text, 'maskrcnn_request_bytes_count') >= 3);
      assert.ok(sample(text, 'maskrcnn_request_bytes_sum') > 2 * jpeg.length);
      assert.equal(sample(text, 'maskrcnn_rejected_messages_total{reason="not-msgpack"}'), 1);
      assert.equal(sample(text, 'maskrcnn_queue_waiting'), 0);
      assert.equal(sample(text, 'maskrcnn_jobs_running'), 0);
      assert.equal(sample(text, 'maskrcnn_worker_restarts_total'), 0);
      assert.equal(sample(text, 'maskrcnn_model_info{model="maskrcnn2go",provider="cpu"}'), 1);
      assert.ok(sample(text, 'process_cpu_seconds_total') > 0, 'the process default metrics');

      // Shutting down with a call running (every mask of a 49-megapixel frame: seconds of work,
      // a small answer): alive, no longer ready.
      const big = await sharp(jpeg).resize(7000, 7000, { fit: 'fill' }).jpeg().toBuffer();
      const running = client.detect(big, { scoreThreshold: 0 });
      const until = performance.now() + 10_000;
      const runningNow = async () =>
        sample(await (await fetch(`${base}/metrics`)).text(), 'maskrcnn_jobs_running');
      while ((await runningNow()) === 0 && performance.now() < until) await sleep(2);
      assert.equal(await runningNow(), 1, 'the large frame never started');
      const exited = server.stop('SIGTERM');
      await sleep(50);
      const [ready, alive] = await Promise.all([
        status(`${base}/readyz`),
        status(`${base}/healthz`),
      ]);
      await running;
      assert.deepEqual([ready, alive], [503, 200]);
      assert.deepEqual(await exited, { code: 0, signal: null });
    } finally {
      client.close();
      if (server.alive) await server.stop('SIGKILL');
    }
  });
});
