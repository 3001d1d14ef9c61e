import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { credentials, status } from '@grpc/grpc-js';
import { freePort, ServerProcess } from '../../bench/server-process.js';
import { InferenceClient, imageRequest, statusOf } from '../grpc-helpers.js';
import { MODEL_DIR, photo, REPO } from '../helpers.js';
import { selfSignedCertificate, WITHOUT_OPENSSL } from '../tls-certificate.js';

const run = promisify(execFile);
const jpeg = readFileSync(photo('000000000034.jpg'));

/** `serve` through its CLI, expected to refuse: its exit code and what it wrote to stderr. */
async function refusal(flags: string[]) {
  const argv = [`${REPO}server/dist/src/main.js`, 'serve', '--model-dir', MODEL_DIR];
  const bind = ['--bind', `tcp://127.0.0.1:${await freePort()}`];
  return run(process.execPath, [...argv, ...bind, ...flags], { timeout: 30_000 }).then(
    () => ({ code: 0, stderr: '' }),
    (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
  );
}

/**
 * Who may reach the gRPC door, as an operator configures it: this machine only by default;
 * other machines over TLS, or in plaintext only with `--insecure` (and a warning at start).
 */
describe('gRPC door access', () => {
  it('refuses to serve other machines in plaintext without --insecure, before loading the model', async () => {
    const started = performance.now();
    const { code, stderr } = await refusal(['--grpc', '0', '--grpc-bind', '0.0.0.0']);
    assert.equal(code, 1);
    assert.match(
      stderr,
      /the gRPC door on 0\.0\.0\.0 would serve other machines unprotected: give --grpc-tls-cert and --grpc-tls-key for TLS, or --insecure/,
    );
    assert.ok(performance.now() - started < 10_000, 'it loaded the model first');
    // The metrics server, up before the model, goes with the refusal: the process exits.
    const withMetrics = await refusal([
      ...['--grpc', '0', '--grpc-bind', '0.0.0.0'],
      ...['--metrics-port', String(await freePort())],
    ]);
    assert.equal(withMetrics.code, 1, withMetrics.stderr);
    const halfTls = await refusal(['--grpc', '0', '--grpc-tls-cert', 'cert.pem']);
    assert.equal(halfTls.code, 1);
    assert.match(halfTls.stderr, /--grpc-tls-cert and --grpc-tls-key go together/);
  });

  it('serves other machines in plaintext with --insecure, warning at start', async () => {
    const port = await freePort();
    const server = await ServerProcess.start({
      flags: ['--grpc', String(port), '--grpc-bind', '0.0.0.0', '--insecure'],
    });
    const client = new InferenceClient(`127.0.0.1:${port}`);
    try {
      const warned = [...server.warnings.keys()].some((msg) =>
        msg.startsWith('gRPC serves other machines unprotected (--insecure)'),
      );
      assert.ok(warned, [...server.warnings.keys()].join('; '));
      assert.deepEqual(await client.call('ServerReady', {}), { ready: true });
    } finally {
      client.close();
      await server.stop();
    }
  });

  it('serves other machines over TLS with --grpc-tls-cert and --grpc-tls-key, and only over TLS', {
    skip: WITHOUT_OPENSSL,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grpc-tls-'));
    const { cert, key } = await selfSignedCertificate(dir);
    const port = await freePort();
    const server = await ServerProcess.start({
      flags: [
        '--grpc',
        String(port),
        '--grpc-bind',
        '0.0.0.0',
        '--grpc-tls-cert',
        cert,
        '--grpc-tls-key',
        key,
      ],
    });
    const tls = new InferenceClient(`localhost:${port}`, credentials.createSsl(readFileSync(cert)));
    const plaintext = new InferenceClient(`127.0.0.1:${port}`);
    try {
      assert.equal(server.warnings.size, 0, [...server.warnings.keys()].join('; '));
      const response = await tls.infer(imageRequest(jpeg));
      assert.ok(response.outputs.length > 0);
      const refused = await statusOf(plaintext.call('ServerLive', {}, { deadlineMs: 3000 }));
      assert.ok(
        refused.code === status.UNAVAILABLE || refused.code === status.DEADLINE_EXCEEDED,
        `${status[refused.code]}: ${refused.details}`,
      );
    } finally {
      tls.close();
      plaintext.close();
      await server.stop();
      await rm(dir, { recursive: true });
    }
  });
});
