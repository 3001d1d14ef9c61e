/**
 * ensureModel end to end on a fresh cache folder: download from a loopback mirror, convert,
 * reuse, recover from a cut connection and from a changed file, seed from a folder, and say
 * exactly what is missing when it may not (or cannot) download.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { type EnsureModelOptions, ensureModel } from '../../src/ensure.js';
import { ModelChecksumError, ModelFetchError, ModelMissingError } from '../../src/errors.js';
import { getModelSpec } from '../../src/manifest.js';
import type { ProgressEvent } from '../../src/progress.js';
import { closedPort, type FileServer, startFileServer } from '../helpers/file-server.js';
import { CAFFE2_DIR, MASKRCNN2GO_DIR } from '../helpers/shared-data.js';

const READY = ['backbone_rpn.onnx', 'box_head.onnx', 'mask_head.onnx', 'anchors.json'];

describe('ensureModel', () => {
  let server: FileServer;
  let cacheDir: string;
  let events: ProgressEvent[];

  beforeEach(async () => {
    server = await startFileServer({
      '/maskrcnn2go/model.pb': `${CAFFE2_DIR}/model.pb`,
      '/maskrcnn2go/model_init.pb': `${CAFFE2_DIR}/model_init.pb`,
    });
    cacheDir = await mkdtemp(join(tmpdir(), 'models-ensure-'));
    events = [];
  });

  afterEach(async () => {
    await server.close();
    await rm(cacheDir, { recursive: true, force: true });
  });

  const ensure = (options: EnsureModelOptions = {}) =>
    ensureModel('maskrcnn2go', {
      cacheDir,
      baseUrl: server.baseUrl,
      onProgress: (e) => events.push(e),
      ...options,
    });
  const requestCount = () => [...server.requests.values()].reduce((a, b) => a + b, 0);
  const types = () => events.map((e) => e.type).filter((t) => t !== 'download-progress');

  test('a fresh cache: downloads both Caffe2 files once, converts, returns the ready folder', async () => {
    const model = await ensure();
    assert.equal(model.name, 'maskrcnn2go');
    assert.equal(model.dir, join(cacheDir, 'maskrcnn2go', 'onnx'));
    assert.deepEqual(Object.keys(model.files), READY);
    for (const name of READY) assert.equal(model.files[name], join(model.dir, name));
    assert.deepEqual(Object.fromEntries(server.requests), {
      '/maskrcnn2go/model.pb': 1,
      '/maskrcnn2go/model_init.pb': 1,
    });
    assert.deepEqual(types(), [
      'download-start',
      'download-done',
      'download-start',
      'download-done',
      'convert-start',
      'convert-step',
      'convert-step',
      'convert-step',
      'convert-step',
      'convert-done',
      'ready',
    ]);
    const anchors = JSON.parse(await readFile(model.files['anchors.json'], 'utf8'));
    assert.equal(anchors.length, 15);
    const stamp = JSON.parse(await readFile(join(model.dir, '.conversion.json'), 'utf8'));
    assert.equal(stamp.inputs['model_init.pb'], getModelSpec('maskrcnn2go').sources[1].sha256);
  });

  test('a second call reuses the cache: no request, no conversion', async () => {
    await ensure();
    const before = requestCount();
    events = [];
    const again = await ensure();
    assert.equal(requestCount(), before);
    assert.deepEqual(types(), ['ready']);
    assert.deepEqual(Object.keys(again.files), READY);
  });

  test('a connection cut half-way is an error, and the next start downloads again', async () => {
    server.behaviour.set('/maskrcnn2go/model_init.pb', 'drop-half');
    await assert.rejects(
      ensure(),
      (e: unknown) => e instanceof ModelFetchError && e.reason === 'interrupted',
    );
    const caffe2 = join(cacheDir, 'maskrcnn2go', 'caffe2');
    assert.deepEqual((await readdir(caffe2)).sort(), ['.model.pb.sha256.json', 'model.pb']);

    server.behaviour.set('/maskrcnn2go/model_init.pb', 'good');
    await ensure();
    assert.equal(server.requests.get('/maskrcnn2go/model.pb'), 1, 'the good file is kept');
    assert.equal(server.requests.get('/maskrcnn2go/model_init.pb'), 2);
  });

  test('a corrupted download is refused with the URL, the expected sum and the manual path', async () => {
    server.behaviour.set('/maskrcnn2go/model_init.pb', 'corrupt');
    const init = getModelSpec('maskrcnn2go').sources[1];
    const dest = join(cacheDir, 'maskrcnn2go', 'caffe2', 'model_init.pb');
    const error = await ensure().catch((e: unknown) => e);
    assert.ok(error instanceof ModelFetchError);
    assert.equal(error.reason, 'checksum-mismatch');
    assert.ok(error.message.includes(`${server.baseUrl}/maskrcnn2go/model_init.pb`));
    assert.ok(error.message.includes(init.sha256!));
    assert.ok(error.message.includes(dest));
    assert.equal(existsSync(dest), false);
  });

  test('a ready file that changed on disk is noticed and made again from the sources', async () => {
    const model = await ensure();
    await appendFile(model.files['box_head.onnx'], 'x');
    events = [];
    await ensure();
    assert.ok(types().includes('convert-start'));
    assert.equal(requestCount(), 2, 'the sources were reused');
  });

  test('downloading off, empty cache: the error lists every file, its URL and where it goes', async () => {
    const error = await ensure({ allowDownload: false }).catch((e: unknown) => e);
    assert.ok(error instanceof ModelMissingError, String(error));
    const dir = join(cacheDir, 'maskrcnn2go');
    assert.deepEqual(
      error.missing.map((m) => m.path),
      [join(dir, 'caffe2', 'model.pb'), join(dir, 'caffe2', 'model_init.pb')],
    );
    assert.equal(error.missing[0].url, `${server.baseUrl}/maskrcnn2go/model.pb`);
    for (const name of [
      'caffe2/model.pb',
      'caffe2/model_init.pb',
      ...READY.map((n) => `onnx/${n}`),
    ]) {
      assert.ok(error.message.includes(join(dir, name)), name);
    }
    assert.match(error.message, /downloading is off/);
    assert.match(error.message, /or, instead, the converted files:/);
    assert.equal(requestCount(), 0);
  });

  test('an unreachable host: the same list, with the connection error as cause', async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}`;
    const error = await ensure({ baseUrl }).catch((e: unknown) => e);
    assert.ok(error instanceof ModelMissingError, String(error));
    assert.match(error.message, /cannot be reached/);
    assert.ok(error.cause instanceof ModelFetchError);
    assert.equal(error.cause.reason, 'unreachable');
  });

  test('seedFrom with the reference ONNX files: copied and verified, nothing downloaded', async () => {
    const model = await ensure({ seedFrom: MASKRCNN2GO_DIR, allowDownload: false });
    assert.equal(requestCount(), 0);
    assert.ok(!types().includes('convert-start'));
    const reference = await readFile(`${MASKRCNN2GO_DIR}/onnx/mask_head.onnx`);
    assert.ok((await readFile(model.files['mask_head.onnx'])).equals(reference));
    assert.deepEqual(
      (await readdir(`${MASKRCNN2GO_DIR}/onnx`)).sort(),
      [...READY].sort(),
      'seed untouched',
    );
  });

  test('seedFrom with only the Caffe2 files (flat): copied, then converted', async () => {
    const model = await ensure({ seedFrom: CAFFE2_DIR, allowDownload: false });
    assert.equal(requestCount(), 0);
    assert.deepEqual(
      events.filter((e) => e.type === 'seeded').map((e) => (e.type === 'seeded' ? e.file : '')),
      ['caffe2/model.pb', 'caffe2/model_init.pb'],
    );
    assert.ok(types().includes('convert-done'));
    assert.deepEqual(Object.keys(model.files), READY);
    assert.deepEqual(
      (await readdir(CAFFE2_DIR)).sort(),
      ['model.pb', 'model_init.pb'],
      'seed untouched',
    );
  });

  test('int8: converted into onnx-int8/ with its own stamp, beside the float folder, then reused', async () => {
    const int8 = await ensure({
      seedFrom: MASKRCNN2GO_DIR,
      allowDownload: false,
      precision: 'int8',
    });
    assert.equal(int8.dir, join(cacheDir, 'maskrcnn2go', 'onnx-int8'));
    assert.deepEqual(Object.keys(int8.files), READY);
    const start = events.find((e) => e.type === 'convert-start');
    assert.equal(start?.type === 'convert-start' && start.precision, 'int8');
    const stamp = JSON.parse(await readFile(join(int8.dir, '.conversion.json'), 'utf8'));
    assert.equal(stamp.precision, 'int8');
    assert.ok(!existsSync(join(cacheDir, 'maskrcnn2go', 'onnx')), 'no float graphs made');

    // The float graphs come from the seed's reference files, and leave the int8 ones alone.
    const float = await ensure({ seedFrom: MASKRCNN2GO_DIR, allowDownload: false });
    assert.equal(float.dir, join(cacheDir, 'maskrcnn2go', 'onnx'));
    const reference = await readFile(`${MASKRCNN2GO_DIR}/onnx/backbone_rpn.onnx`);
    assert.ok((await readFile(float.files['backbone_rpn.onnx'])).equals(reference));
    events = [];
    const again = await ensure({ allowDownload: false, precision: 'int8' });
    assert.equal(again.dir, int8.dir);
    assert.ok(!types().includes('convert-start'), 'int8 reused, not converted again');
    assert.equal(requestCount(), 0);
  });

  test('int8 of a model that is not converted is a RangeError naming it', async () => {
    await assert.rejects(
      ensureModel('resnet50-fpn', { cacheDir, allowDownload: false, precision: 'int8' }),
      (e: unknown) => e instanceof RangeError && /'resnet50-fpn' has no int8 form/.test(e.message),
    );
  });

  test('seedFrom holding a different file of the right name is refused', async () => {
    // The ONNX folder has no Caffe2 files; point at a folder whose model.pb is something else.
    const fake = await mkdtemp(join(tmpdir(), 'models-seed-'));
    try {
      await appendFile(join(fake, 'model.pb'), 'not the net');
      await assert.rejects(
        ensure({ seedFrom: fake, allowDownload: false }),
        (e: unknown) => e instanceof ModelChecksumError && e.path === join(fake, 'model.pb'),
      );
    } finally {
      await rm(fake, { recursive: true, force: true });
    }
  });
});
