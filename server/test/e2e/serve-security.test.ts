import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { readClientKeys, VisionClient, writeCertificates } from '@maskrcnn-zmq/shared';
import { freePort, ServerProcess } from '../../bench/server-process.js';

/**
 * `maskrcnn-zmq serve` as an operator runs it:
 *
 *   serve --curve-secret-key … --curve-allow clients/   robot listed, stranger not
 *   stranger --info--> nothing
 *   cp stranger.key clients/ ; kill -HUP server          (the robot stays connected)
 *   stranger --info--> OK
 */
describe('serve with CURVE, as an operator runs it', () => {
  it('reads the allow-list again on SIGHUP without dropping connected clients', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'serve-curve-'));
    await mkdir(join(dir, 'clients'));
    for (const name of ['server', 'robot', 'stranger']) await writeCertificates(dir, name);
    await copyFile(join(dir, 'robot.key'), join(dir, 'clients', 'robot.key'));
    const server = await ServerProcess.start({
      flags: [
        '--curve-secret-key',
        join(dir, 'server.key_secret'),
        '--curve-allow',
        join(dir, 'clients'),
      ],
    });
    const keys = (name: string) =>
      readClientKeys(join(dir, 'server.key'), join(dir, `${name}.key_secret`));
    const robot = new VisionClient({ endpoint: server.endpoint, curve: await keys('robot') });
    const stranger = () =>
      keys('stranger').then(
        (curve) => new VisionClient({ endpoint: server.endpoint, timeoutMs: 1500, curve }),
      );
    try {
      assert.equal((await robot.info()).security, 'curve-allow-list');
      const refused = await stranger();
      await assert.rejects(refused.info(), { name: 'Timeout' });
      refused.close();
      assert.ok(server.warnings.get('a client key not on the allow-list was refused'));

      await copyFile(join(dir, 'stranger.key'), join(dir, 'clients', 'stranger.key'));
      process.kill(server.pid, 'SIGHUP');
      await sleep(200);
      const admitted = await stranger();
      assert.equal((await admitted.info()).name, 'maskrcnn-zmq');
      admitted.close();
      assert.equal((await robot.info()).name, 'maskrcnn-zmq');
      assert.ok(server.alive, 'SIGHUP did not stop the server');
    } finally {
      robot.close();
      await server.stop();
      await rm(dir, { recursive: true });
    }
  });

  it('warns at start when it serves other machines without CURVE', async () => {
    const server = await ServerProcess.start({
      endpoint: `tcp://0.0.0.0:${await freePort()}`,
    });
    try {
      const warned = [...server.warnings.keys()].some((msg) =>
        msg.startsWith('serving other machines without encryption'),
      );
      assert.ok(warned, [...server.warnings.keys()].join('; '));
    } finally {
      await server.stop();
    }
  });
});
