import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { VisionClient } from '@maskrcnn-zmq/shared';
import type { VisionServer } from '../../src/server.js';
import { photo, startServer, workerPids } from '../helpers.js';

const jpeg = readFileSync(photo('000000000034.jpg'));

async function until(condition: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`not within ${ms} ms`);
    await sleep(10);
  }
}

/**
 * Inference workers are processes the server supervises: whatever happens to one — killed while
 * idle, killed during a call, stuck past the job timeout — its caller gets an answer at once,
 * it is replaced, and the next call is served.
 */
describe('server worker supervision', () => {
  let server: VisionServer;
  let client: VisionClient;
  before(async () => {
    server = await startServer();
    client = new VisionClient({ endpoint: server.endpoint, timeoutMs: 30_000 });
  });
  after(async () => {
    client.close();
    await server.close();
  });

  it('replaces a worker that dies while idle, and serves the next call', async () => {
    const [pid] = workerPids();
    process.kill(pid, 'SIGKILL');
    await until(() => workerPids().some((other) => other !== pid));
    const result = await client.detect(jpeg, { masks: false });
    assert.equal(result.instances[0].label, 'zebra');
    const { counters, queue } = await client.info();
    assert.equal(counters.workerRestarts, 1);
    assert.equal(queue.running, 0);
  });

  it('answers InternalError at once when the worker dies during the call, then serves again', async () => {
    const call = client.getMask(jpeg).then(
      () => undefined,
      (error: Error) => error,
    );
    await until(async () => (await client.info()).queue.running === 1);
    const [pid] = workerPids();
    const killedAt = performance.now();
    process.kill(pid, 'SIGKILL');
    const error = await call;
    assert.equal(error?.name, 'InternalError');
    assert.match(
      error?.message ?? '',
      /the inference worker ended \(killed by SIGKILL\) during this call/,
    );
    assert.ok(performance.now() - killedAt < 1000);
    assert.equal((await client.detect(jpeg, { masks: false })).instances[0].label, 'zebra');
    assert.equal((await client.info()).counters.workerRestarts, 2);
  });

  it('abandons a job that runs past the job timeout, replaces its worker, and serves again', async () => {
    const strict = await startServer({ jobTimeoutMs: 30 });
    const impatient = new VisionClient({ endpoint: strict.endpoint, timeoutMs: 30_000 });
    try {
      const started = performance.now();
      await assert.rejects(impatient.getMask(jpeg), {
        name: 'InternalError',
        message: "the job ran past the server's job timeout of 30 ms and was abandoned",
      });
      assert.ok(performance.now() - started < 1000);
      await until(async () => (await impatient.info()).counters.workerRestarts === 1);
      const info = await impatient.info();
      assert.deepEqual([info.queue.running, info.queue.waiting], [0, 0]);
    } finally {
      impatient.close();
      await strict.close();
    }
  });
});
