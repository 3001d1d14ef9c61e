import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, ServerProcess } from '../../bench/server-process.js';
import { photo } from '../helpers.js';
import { selfSignedCertificate, WITHOUT_OPENSSL } from '../tls-certificate.js';

const jpeg = readFileSync(photo('000000000034.jpg'));

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTPS request that trusts `ca` only. */
function call(
  url: string,
  ca: Buffer,
  options: { token?: string; body?: Buffer; type?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.type) headers['content-type'] = options.type;
    const outgoing = request(
      url,
      { ca, method: options.body ? 'POST' : 'GET', headers },
      (reply) => {
        const chunks: Buffer[] = [];
        reply.on('data', (chunk: Buffer) => chunks.push(chunk));
        reply.on('end', () =>
          resolve({
            status: reply.statusCode ?? 0,
            headers: reply.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

/**
 * Who may reach the HTTP door, as an operator starts it:
 *
 *   serve --http P --http-bind 0.0.0.0                       → refuses to start, says what to add
 *   … --http-tls-cert C --http-tls-key K --http-tokens T     → HTTPS; Bearer token on every route
 *                                                              but /v2/health/* and the page; 401
 *   rewrite T ; kill -HUP                                    → the new token in, the old one out
 *   … --insecure                                             → starts, with a warning
 */
describe('HTTP door: access', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'http-access-'));
  });
  after(async () => {
    await rm(dir, { recursive: true });
  });

  it('refuses to serve other machines without TLS and tokens, or --insecure', async () => {
    const port = String(await freePort());
    await assert.rejects(
      ServerProcess.start({ flags: ['--http', port, '--http-bind', '0.0.0.0'] }),
      /exited[\s\S]*the HTTP door on 0\.0\.0\.0 would serve other machines unprotected: give --http-tls-cert, --http-tls-key and --http-tokens for TLS and bearer tokens, or --insecure/,
    );
    const insecure = await ServerProcess.start({
      flags: ['--http', port, '--http-bind', '0.0.0.0', '--insecure'],
    });
    try {
      assert.ok(
        [...insecure.warnings.keys()].some((msg) =>
          msg.startsWith('HTTP serves other machines unprotected (--insecure)'),
        ),
        [...insecure.warnings.keys()].join('; '),
      );
      const live = await fetch(`http://127.0.0.1:${port}/v2/health/live`);
      assert.equal(live.status, 200);
    } finally {
      await insecure.stop();
    }
  });

  it('serves HTTPS with bearer tokens, and reads the tokens again on SIGHUP', {
    skip: WITHOUT_OPENSSL,
  }, async () => {
    const { cert, key } = await selfSignedCertificate(dir);
    const tokens = join(dir, 'tokens');
    await writeFile(tokens, '# robots\nfirst-token\n\nsecond-token\n');
    const port = await freePort();
    const server = await ServerProcess.start({
      flags: [
        '--http',
        String(port),
        '--http-bind',
        '0.0.0.0',
        '--http-tls-cert',
        cert,
        '--http-tls-key',
        key,
        '--http-tokens',
        tokens,
      ],
    });
    const ca = await readFile(cert);
    const base = `https://127.0.0.1:${port}`;
    try {
      assert.equal((await call(`${base}/v2/health/live`, ca)).status, 200);
      assert.equal((await call(`${base}/v2/health/ready`, ca)).status, 200);
      assert.equal((await call(`${base}/`, ca)).status, 200, 'the page itself holds no data');
      for (const token of [undefined, 'third-token', 'first', 'first-token2']) {
        const refused = await call(`${base}/v2`, ca, { token });
        assert.equal(refused.status, 401, String(token));
        assert.equal(refused.headers['www-authenticate'], 'Bearer');
        assert.match(JSON.parse(refused.body).error, /^Unauthorized: /);
      }
      const plainRefused = await call(`${base}/v1/detect`, ca, { body: jpeg, type: 'image/jpeg' });
      assert.equal(plainRefused.status, 401);
      assert.equal(JSON.parse(plainRefused.body).error, 'Unauthorized');
      assert.equal((await call(`${base}/v2`, ca, { token: 'second-token' })).status, 200);
      const detected = await call(`${base}/v1/detect`, ca, {
        token: 'first-token',
        body: jpeg,
        type: 'image/jpeg',
      });
      assert.equal(detected.status, 200);
      assert.ok(JSON.parse(detected.body).instances.length > 0);

      await writeFile(tokens, 'third-token\n');
      process.kill(server.pid, 'SIGHUP');
      await sleep(300);
      assert.equal((await call(`${base}/v2`, ca, { token: 'first-token' })).status, 401);
      assert.equal((await call(`${base}/v2`, ca, { token: 'third-token' })).status, 200);
      assert.ok(server.alive);
    } finally {
      await server.stop();
    }
  });
});
