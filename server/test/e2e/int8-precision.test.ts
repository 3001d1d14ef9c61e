/**
 * `serve --precision int8`: the int8 (QDQ) graphs through the real server find what the float
 * graphs find on coco128 photos, and a folder of the other precision, or a model with no int8
 * form, is refused at load.
 *
 * How close is close: on all of coco128, the confident detections (score ≥ 0.7) of either
 * precision have one of the same class in the other with a median IoU of 0.96; 92 % overlap
 * by more than 0.8, the rest are mostly thin or crowded objects (the remotes of 599.jpg: 0.76
 * and 0.67). So each photo's own object must overlap by > 0.8, every confident detection by
 * > 0.5 (COCO's match), and their median by > 0.8: int8's rounding passes, a broken graph
 * does not.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type DetectedInstance, VisionClient } from '@maskrcnn-zmq/shared';
import { Command } from 'commander';
import { pino } from 'pino';
import { type ModelFlags, modelOptions, serverOptions } from '../../src/cli/server-options.js';
import { MaskRcnnPipeline } from '../../src/inference/pipeline.js';
import type { VisionServer } from '../../src/server.js';
import { MODEL_DIR, photo, SHARED, SMOKE_IMAGES, startServer } from '../helpers.js';
import { zooFixtureDir } from '../inference/zoo-fixture.js';

/** A detection both precisions must agree on. */
const CONFIDENT = 0.7;
/** The lowest score at which the other precision may have it (scores move a little). */
const PRESENT = 0.3;

function iou(a: readonly number[], b: readonly number[]): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]) + 1;
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]) + 1;
  const inter = Math.max(0, w) * Math.max(0, h);
  const area = (r: readonly number[]) => (r[2] - r[0] + 1) * (r[3] - r[1] + 1);
  return inter / (area(a) + area(b) - inter);
}

/**
 * For each confident detection of `from`, the best IoU of a `to` detection of its label, with
 * its description.
 */
function overlaps(from: DetectedInstance[], to: DetectedInstance[]) {
  return from
    .filter((d) => d.score >= CONFIDENT)
    .map((d) => ({
      label: d.label,
      what: `${d.label} ${d.score.toFixed(2)} [${d.box.map(Math.round)}]`,
      iou: Math.max(0, ...to.filter((o) => o.label === d.label).map((o) => iou(o.box, d.box))),
    }));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

describe('serve --precision int8', () => {
  let cacheDir: string;
  let int8: VisionServer;
  let float: VisionServer;
  let int8Client: VisionClient;
  let floatClient: VisionClient;

  before(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'int8-cache-'));
    // The CLI's own path: flags → ensureModel converts the Caffe2 files into onnx-int8/.
    const flags = modelOptions(new Command())
      .parse(
        [
          '--precision',
          'int8',
          '--cache-dir',
          cacheDir,
          '--seed-from',
          `${SHARED}models/maskrcnn2go`,
          '--offline',
        ],
        { from: 'user' },
      )
      .opts<ModelFlags>();
    const options = await serverOptions(flags, pino({ level: 'silent' }));
    assert.equal(options.modelDir, join(cacheDir, 'maskrcnn2go', 'onnx-int8'));
    assert.equal(options.precision, 'int8');
    [int8, float] = await Promise.all([
      startServer({ modelDir: options.modelDir, precision: 'int8' }),
      startServer(),
    ]);
    int8Client = new VisionClient({ endpoint: int8.endpoint, timeoutMs: 30_000 });
    floatClient = new VisionClient({ endpoint: float.endpoint, timeoutMs: 30_000 });
  });

  after(async () => {
    int8Client?.close();
    floatClient?.close();
    await Promise.all([int8?.close(), float?.close()]);
    await rm(cacheDir, { recursive: true, force: true });
  });

  test('info() says the graphs are int8', async () => {
    const { model } = await int8Client.info();
    assert.equal(model.name, 'maskrcnn2go');
    assert.match(model.source, /int8 QDQ ONNX/);
    assert.match((await floatClient.info()).model.source, /dequantized to float32/);
  });

  for (const [file, label] of Object.entries(SMOKE_IMAGES)) {
    test(`${file}: the ${label} and every confident detection of either precision are in both`, async () => {
      const bytes = await readFile(photo(file));
      const options = { scoreThreshold: PRESENT, masks: false };
      const [q, f] = await Promise.all([
        int8Client.detect(bytes, options),
        floatClient.detect(bytes, options),
      ]);
      assert.ok(
        q.instances.some((d) => d.label === label && d.score >= CONFIDENT),
        `int8 found ${q.instances.map((d) => `${d.label} ${d.score.toFixed(2)}`).join(', ')}`,
      );
      const pairs = [...overlaps(f.instances, q.instances), ...overlaps(q.instances, f.instances)];
      const report = pairs.map((p) => `${p.what} IoU ${p.iou.toFixed(2)}`).join(', ');
      assert.ok(
        pairs.filter((p) => p.label === label).every((p) => p.iou > 0.8),
        `the ${label}: ${report}`,
      );
      assert.ok(
        pairs.every((p) => p.iou > 0.5),
        `a confident detection missing from the other: ${report}`,
      );
      assert.ok(median(pairs.map((p) => p.iou)) > 0.8, `median IoU: ${report}`);
    });
  }

  test('float graphs loaded as int8 (or the other way) are refused, naming the folder', async () => {
    const wrong = (dir: string, precision: 'float' | 'int8', holds: string) =>
      assert.rejects(MaskRcnnPipeline.load(dir, { threads: 1, precision }), (e: Error) => {
        assert.equal(e.name, 'ModelLoad');
        assert.equal(
          e.message,
          `${dir} holds ${holds} graphs, not ${precision} (fetch-model --precision ${precision} makes them)`,
        );
        return true;
      });
    await wrong(MODEL_DIR, 'int8', 'float');
    await wrong(join(cacheDir, 'maskrcnn2go', 'onnx-int8'), 'float', 'int8');
  });

  test('a model with no int8 form is refused, from a folder or from the cache', async () => {
    const zoo = await zooFixtureDir();
    try {
      await assert.rejects(
        MaskRcnnPipeline.load(zoo, { threads: 1, precision: 'int8' }),
        /the ONNX Model Zoo's Mask R-CNN has no int8 form/,
      );
    } finally {
      await rm(zoo, { recursive: true });
    }
    const flags = modelOptions(new Command())
      .parse(['--model', 'resnet50-fpn', '--precision', 'int8', '--cache-dir', cacheDir], {
        from: 'user',
      })
      .opts<ModelFlags>();
    await assert.rejects(serverOptions(flags, pino({ level: 'silent' })), /has no int8 form/);
  });
});
