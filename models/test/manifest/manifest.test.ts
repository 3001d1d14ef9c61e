/** The manifest against the files it describes: sizes and sums of the shared copies, pinned URLs. */
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { describe, test } from 'node:test';
import { sha256File } from '../../src/checksum.js';
import { UnknownModelError } from '../../src/errors.js';
import { DEFAULT_MODEL, getModelSpec, MODELS } from '../../src/manifest.js';
import { CAFFE2_DIR, REFERENCE_ONNX_DIR } from '../helpers/shared-data.js';

describe('manifest', () => {
  const maskrcnn2go = getModelSpec('maskrcnn2go');

  test('maskrcnn2go is the default, and its sources are the shared Caffe2 files', async () => {
    assert.equal(DEFAULT_MODEL, 'maskrcnn2go');
    for (const file of maskrcnn2go.sources) {
      const local = `${CAFFE2_DIR}/${basename(file.path)}`;
      assert.equal((await stat(local)).size, file.bytes, file.path);
      assert.equal(await sha256File(local), file.sha256, file.path);
    }
  });

  test('its ready files carry the sums of the reference conversion', async () => {
    for (const file of maskrcnn2go.ready) {
      const local = `${REFERENCE_ONNX_DIR}/${basename(file.path)}`;
      assert.equal((await stat(local)).size, file.bytes, file.path);
      assert.equal(await sha256File(local), file.sha256, file.path);
    }
  });

  test('every URL is pinned to a commit, and every model has one ready folder', () => {
    for (const spec of Object.values(MODELS)) {
      assert.match(spec.upstream.commit, /^[0-9a-f]{40}$/);
      for (const file of spec.sources) assert.ok(file.url.includes(spec.upstream.commit), file.url);
      const folders = new Set(spec.ready.map((f) => f.path.split('/')[0]));
      assert.equal(folders.size, 1, spec.name);
    }
  });

  test('an unknown name is an UnknownModelError naming the known ones', () => {
    assert.throws(
      () => getModelSpec('toString'),
      (e: unknown) =>
        e instanceof UnknownModelError &&
        e.message ===
          "unknown model 'toString': expected one of 'maskrcnn2go', 'resnet50-fpn', 'resnet50-fpn-12'",
    );
  });
});
