import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { MODEL_DIR, photo, REPO } from '../helpers.js';

const MAIN = `${REPO}server/dist/src/main.js`;
const run = promisify(execFile);

/** Starts `maskrcnn-zmq serve` and resolves with its endpoint once it logs "ready". */
async function serve(): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(
    process.execPath,
    [MAIN, 'serve', '--model-dir', MODEL_DIR, '--bind', 'tcp://127.0.0.1:0'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  for await (const line of createInterface({ input: child.stderr! })) {
    const entry = JSON.parse(line);
    if (entry.msg === 'ready') return { child, endpoint: entry.endpoint };
  }
  throw new Error('serve exited before "ready"');
}

describe('cli', () => {
  let server: { child: ChildProcess; endpoint: string };
  let dir: string;
  before(async () => {
    [server, dir] = await Promise.all([serve(), mkdtemp(join(tmpdir(), 'cli-'))]);
  });
  after(async () => {
    server.child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  });

  it('call getMask writes the composite of the input size', async () => {
    const out = join(dir, 'composite.png');
    await run(process.execPath, [
      MAIN,
      'call',
      'getMask',
      photo('000000000636.jpg'),
      '--endpoint',
      server.endpoint,
      '--format',
      'png',
      '-o',
      out,
    ]);
    const [input, output] = await Promise.all([
      sharp(photo('000000000636.jpg')).metadata(),
      sharp(out).metadata(),
    ]);
    assert.equal(output.format, 'png');
    assert.deepEqual([output.width, output.height], [input.width, input.height]);
  });

  it('call detect prints the detections as JSON', async () => {
    const { stdout } = await run(process.execPath, [
      MAIN,
      'call',
      'detect',
      photo('000000000636.jpg'),
      '--endpoint',
      server.endpoint,
      '--classes',
      'toilet',
      '--no-masks',
    ]);
    const result = JSON.parse(stdout);
    assert.ok(result.instances.length >= 1);
    assert.ok(
      result.instances.every(
        (instance: { label: string; mask?: unknown }) =>
          instance.label === 'toilet' && !instance.mask,
      ),
    );
  });

  it('call reports a server error clearly and exits 1', async () => {
    await assert.rejects(
      run(process.execPath, [
        MAIN,
        'call',
        'detect',
        `${REPO}README.md`,
        '--endpoint',
        server.endpoint,
      ]),
      (error: Error & { code: number; stderr: string }) => {
        assert.equal(error.code, 1);
        assert.match(error.stderr, /^maskrcnn-zmq: /);
        return true;
      },
    );
  });

  it('serve stops cleanly on SIGTERM', async () => {
    const { child } = await serve();
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
  });
});
