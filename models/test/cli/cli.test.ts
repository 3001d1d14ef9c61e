/** fetch-model as a user runs it: result on stdout, progress and errors on stderr, exit codes. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { fetchModelCli } from '../../src/cli.js';
import { type FileServer, startFileServer } from '../helpers/file-server.js';
import { CAFFE2_DIR } from '../helpers/shared-data.js';

describe('fetch-model', () => {
  let server: FileServer;
  let cacheDir: string;
  let stdout: string;
  let stderr: string;
  const io = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
  };

  beforeEach(async () => {
    server = await startFileServer({
      '/maskrcnn2go/model.pb': `${CAFFE2_DIR}/model.pb`,
      '/maskrcnn2go/model_init.pb': `${CAFFE2_DIR}/model_init.pb`,
    });
    cacheDir = await mkdtemp(join(tmpdir(), 'models-cli-'));
    stdout = '';
    stderr = '';
  });

  afterEach(async () => {
    await server.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  test('fetches and converts the default model, printing only its folder on stdout', async () => {
    const code = await fetchModelCli(['--cache-dir', cacheDir, '--base-url', server.baseUrl], io);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, `${join(cacheDir, 'maskrcnn2go', 'onnx')}\n`);
    assert.match(stderr, /^fetch-model: fetching caffe2\/model\.pb /);
    assert.match(stderr, /fetch-model: converted maskrcnn2go in [\d.]+ s\n$/);
  });

  test('--offline on an empty cache exits 1 and says what to put where', async () => {
    const code = await fetchModelCli(['maskrcnn2go', '--offline', '--cache-dir', cacheDir], io);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /^fetch-model: model 'maskrcnn2go' is not ready in .* downloading is off/);
    assert.ok(stderr.includes(join(cacheDir, 'maskrcnn2go', 'caffe2', 'model_init.pb')));
  });

  test('--list names every model', async () => {
    assert.equal(await fetchModelCli(['--list'], io), 0);
    assert.deepEqual(
      stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t').slice(0, 3)),
      [
        ['maskrcnn2go', 'caffe2-int8', 'Apache-2.0'],
        ['resnet50-fpn', 'onnx', 'MIT'],
        ['resnet50-fpn-12', 'onnx', 'MIT'],
      ],
    );
  });

  test('an unknown model exits 1 naming the known ones; a bad option exits 2', async () => {
    assert.equal(await fetchModelCli(['yolo', '--cache-dir', cacheDir], io), 1);
    assert.match(
      stderr,
      /unknown model 'yolo': expected one of 'maskrcnn2go', 'resnet50-fpn', 'resnet50-fpn-12'/,
    );
    stderr = '';
    assert.equal(await fetchModelCli(['--cache', cacheDir], io), 2);
    assert.match(stderr, /^fetch-model: Unknown option '--cache'/);
    assert.match(stderr, /usage: fetch-model/);
  });
});
