import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { VisionClient } from '@maskrcnn-zmq/shared';
import sharp from 'sharp';
import { ServerProcess } from '../../bench/server-process.js';
import { MODEL_DIR, photo, SERVER_BIN, until, workerPids } from '../helpers.js';

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
 * A TCP proxy in front of `endpoint` whose server-to-caller direction can be held: held, it reads
 * nothing from the server, so the server's kernel buffers fill and the rest of a large reply
 * stays queued in ZeroMQ, as for a caller on a slow link.
 */
async function holdingProxy(endpoint: string) {
  const [, host, port] = /^tcp:\/\/(.+):(\d+)$/.exec(endpoint)!;
  const upstreams = new Set<Socket>();
  let held = false;
  const proxy = createServer((caller) => {
    const upstream = connect(Number(port), host);
    upstreams.add(upstream);
    caller.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => caller.write(chunk));
    if (held) upstream.pause();
    for (const socket of [caller, upstream]) {
      socket.on('error', () => {});
      socket.on('close', () => {
        caller.destroy();
        upstream.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port: proxyPort } = proxy.address() as { port: number };
  return {
    endpoint: `tcp://127.0.0.1:${proxyPort}`,
    hold(on: boolean) {
      held = on;
      for (const upstream of upstreams) on ? upstream.pause() : upstream.resume();
    },
    close() {
      for (const upstream of upstreams) upstream.destroy();
      proxy.close();
    },
  };
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

  it('on SIGTERM stays up until a reply still on its way has left, then exits 0', async () => {
    // A composite of noise, as PNG: 18 MB, far more than loopback's socket buffers hold.
    const [width, height] = [3000, 2000];
    const noise = await sharp(randomBytes(width * height * 3), {
      raw: { width, height, channels: 3 },
    })
      .jpeg({ quality: 90 })
      .toBuffer();
    const server = await ServerProcess.start({ flags: ['--shutdown-grace-ms', '20000'] });
    const proxy = await holdingProxy(server.endpoint);
    const caller = new VisionClient({ endpoint: proxy.endpoint, timeoutMs: 60_000 });
    const watcher = new VisionClient({ endpoint: server.endpoint, timeoutMs: 30_000 });
    try {
      // The caller's first image also learns the server's request limit, a call of its own.
      await Promise.all([caller.getMask(jpeg), watcher.info()]);
      proxy.hold(true);
      const reply = caller.getMask(noise, { format: 'png' });
      await untilRunning(watcher, 1, 0);
      const exited = server.stop('SIGTERM');
      // Once it logs "stopped" the reply is made and queued in ZeroMQ, most of it unsent; the
      // server used to exit right there, and the half-sent reply was lost. Held half a second
      // longer, the caller then reads it all.
      await until(() => server.lastLines().includes('"msg":"stopped"'), 15_000, 'stopped');
      await sleep(500);
      proxy.hold(false);
      const composite = await sharp(await reply).metadata();
      assert.deepEqual(
        [composite.format, composite.width, composite.height],
        ['png', width, height],
      );
      assert.deepEqual(await exited, { code: 0, signal: null });
    } finally {
      caller.close();
      watcher.close();
      proxy.close();
      if (server.alive) await server.stop('SIGKILL');
    }
  });

  it('on SIGTERM while its worker loads the model exits 0 at once; the worker follows, quietly', async () => {
    const child = spawn(
      SERVER_BIN,
      ['serve', '--bind', 'tcp://127.0.0.1:0', '--model-dir', MODEL_DIR],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    try {
      let log = '';
      child.stderr.on('data', (chunk) => {
        log += chunk;
      });
      // The worker writes to the same pipe: it closes once both processes are gone.
      const allGone = once(child.stderr, 'close');
      const exited = once(child, 'exit');
      await until(() => workerPids(child.pid).length > 0, 30_000, 'a worker started');
      assert.equal(workerPids(child.pid).length, 1, 'one worker');
      const started = performance.now();
      child.kill('SIGTERM');
      assert.deepEqual(await exited, [0, null]);
      const tookMs = performance.now() - started;
      assert.ok(tookMs < 1000, `exited ${tookMs.toFixed(0)} ms after the signal`);
      // It notices at its first word to the server, once the model is loaded.
      await Promise.race([allGone, sleep(30_000).then(() => assert.fail('the worker lives on'))]);
      for (const line of log.trim().split('\n')) JSON.parse(line); // No stack trace among them.
    } finally {
      child.kill('SIGKILL');
    }
  });

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
