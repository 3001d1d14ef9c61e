/**
 * fetchFile against a real HTTP server on loopback serving the real Caffe2 files: what lands
 * on disk after a good download, a corrupted one, a connection cut half-way, a 404 and a host
 * that is not there.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { stampPath } from '../../src/checksum.js';
import { ModelFetchError } from '../../src/errors.js';
import { fetchFile } from '../../src/fetch.js';
import { getModelSpec } from '../../src/manifest.js';
import { createProgressReporter, type ProgressEvent, silentProgress } from '../../src/progress.js';
import { closedPort, type FileServer, startFileServer } from '../helpers/file-server.js';
import { CAFFE2_DIR } from '../helpers/shared-data.js';

const [net, init] = getModelSpec('maskrcnn2go').sources;

describe('fetchFile', () => {
  let server: FileServer;
  let dir: string;

  beforeEach(async () => {
    server = await startFileServer({
      '/model.pb': `${CAFFE2_DIR}/model.pb`,
      '/model_init.pb': `${CAFFE2_DIR}/model_init.pb`,
    });
    dir = await mkdtemp(join(tmpdir(), 'models-fetch-'));
  });

  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const fetchInit = (dest = join(dir, 'model_init.pb'), url = `${server.baseUrl}/model_init.pb`) =>
    fetchFile({ url, dest, bytes: init.bytes, sha256: init.sha256, onProgress: silentProgress });
  /** Fetches `url` as model.pb (the small file) and resolves with what it throws. */
  const netFailure = (url: string, dest: string) =>
    fetchFile({
      url,
      dest,
      bytes: net.bytes,
      sha256: net.sha256,
      onProgress: silentProgress,
    }).catch((e: unknown) => e);

  /** Asserts that a failed fetch left neither the file, nor its stamp, nor a part file. */
  async function assertNothingLeft(dest: string) {
    assert.equal(existsSync(dest), false, 'no file at the destination');
    assert.equal(existsSync(stampPath(dest)), false, 'no checksum stamp');
    assert.deepEqual(await readdir(dir), [], 'no part file');
  }

  test('a good download lands verified, with its stamp, and nothing else', async () => {
    const dest = join(dir, 'model_init.pb');
    const sum = await fetchInit(dest);
    assert.deepEqual(sum, { bytes: init.bytes, sha256: init.sha256 });
    assert.deepEqual(await readFile(dest), await readFile(`${CAFFE2_DIR}/model_init.pb`));
    const stamp = JSON.parse(await readFile(stampPath(dest), 'utf8'));
    assert.equal(stamp.sha256, init.sha256);
    assert.deepEqual((await readdir(dir)).sort(), ['.model_init.pb.sha256.json', 'model_init.pb']);
  });

  test('progress: events from start to done, and plain lines when stderr is no terminal', async () => {
    const events: ProgressEvent[] = [];
    const lines: string[] = [];
    const reporter = createProgressReporter({
      write: (text: string) => lines.push(text),
      isTTY: false,
    });
    await fetchFile({
      url: `${server.baseUrl}/model_init.pb`,
      dest: join(dir, 'model_init.pb'),
      bytes: init.bytes,
      sha256: init.sha256,
      onProgress: (event) => {
        events.push(event);
        reporter(event);
      },
    });
    assert.equal(events[0].type, 'download-start');
    assert.deepEqual(events.at(-1), {
      type: 'download-done',
      file: 'model_init.pb',
      bytes: init.bytes,
      sha256: init.sha256,
      pinned: true,
    });
    const received = events.flatMap((e) =>
      e.type === 'download-progress' ? [e.receivedBytes] : [],
    );
    assert.equal(received.at(-1), init.bytes);
    assert.equal(
      lines[0],
      `maskrcnn-zmq: fetching model_init.pb (3.8 MB) from ${server.baseUrl}/model_init.pb\n`,
    );
    assert.deepEqual(
      lines.slice(1, -1).map((l) => l.split(' (')[0]),
      [
        'maskrcnn-zmq: model_init.pb: 25%',
        'maskrcnn-zmq: model_init.pb: 50%',
        'maskrcnn-zmq: model_init.pb: 75%',
      ],
    );
    assert.equal(lines.at(-1), 'maskrcnn-zmq: model_init.pb: 3.8 MB, sha256 verified\n');
  });

  test('a corrupted file is refused: the error names URL, expected sum and manual path', async () => {
    server.behaviour.set('/model_init.pb', 'corrupt');
    const dest = join(dir, 'model_init.pb');
    const error = await fetchInit(dest).catch((e: unknown) => e);
    assert.ok(error instanceof ModelFetchError);
    assert.equal(error.name, 'ModelFetch');
    assert.equal(error.reason, 'checksum-mismatch');
    assert.equal(error.manualPath, dest);
    assert.match(error.message, new RegExp(`could not fetch ${server.baseUrl}/model_init.pb: `));
    assert.ok(error.message.includes(`expected sha256 ${init.sha256}`), error.message);
    assert.ok(error.message.endsWith(`put the file at ${dest}`), error.message);
    await assertNothingLeft(dest);
  });

  test('a connection cut half-way fails cleanly, and a retry starts from scratch', async () => {
    server.behaviour.set('/model_init.pb', 'drop-half');
    const dest = join(dir, 'model_init.pb');
    const error = await fetchInit(dest).catch((e: unknown) => e);
    assert.ok(error instanceof ModelFetchError, String(error));
    assert.equal(error.reason, 'interrupted');
    assert.ok(error.cause, 'keeps the network error as cause');
    await assertNothingLeft(dest);

    server.behaviour.set('/model_init.pb', 'good');
    assert.equal((await fetchInit(dest)).sha256, init.sha256);
    assert.equal(server.requests.get('/model_init.pb'), 2);
  });

  test('a 404 is an http-status failure', async () => {
    const dest = join(dir, 'model.pb');
    const error = await netFailure(`${server.baseUrl}/nowhere/model.pb`, dest);
    assert.ok(error instanceof ModelFetchError);
    assert.equal(error.reason, 'http-status');
    assert.match(error.message, /HTTP 404 Not Found/);
    await assertNothingLeft(dest);
  });

  test('a host that is not listening is unreachable, with the connect error in the message', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/model_init.pb`;
    const dest = join(dir, 'model_init.pb');
    const error = await fetchInit(dest, url).catch((e: unknown) => e);
    assert.ok(error instanceof ModelFetchError);
    assert.equal(error.reason, 'unreachable');
    assert.equal(error.url, url);
    assert.match(error.message, /ECONNREFUSED/);
    assert.ok(error.message.includes(dest));
    await assertNothingLeft(dest);
  });

  test('a file without a published sum is taken by its size, and its sum reported', async () => {
    const events: ProgressEvent[] = [];
    const sum = await fetchFile({
      url: `${server.baseUrl}/model.pb`,
      dest: join(dir, 'model.pb'),
      bytes: net.bytes,
      sha256: null,
      onProgress: (e) => events.push(e),
    });
    assert.equal(sum.sha256, net.sha256);
    assert.deepEqual(events.at(-1), {
      type: 'download-done',
      file: 'model.pb',
      bytes: net.bytes,
      sha256: net.sha256,
      pinned: false,
    });
  });

  test('a file of the wrong size is refused before it is hashed', async () => {
    const dest = join(dir, 'model.pb');
    const error = await netFailure(`${server.baseUrl}/model_init.pb`, dest);
    assert.ok(error instanceof ModelFetchError);
    assert.equal(error.reason, 'size-mismatch');
    assert.match(error.message, /announces 3802460 bytes, expected 25424/);
    await assertNothingLeft(dest);
  });
});
