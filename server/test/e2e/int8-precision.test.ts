/**
 * `serve --precision int8` and `int8-heads`: the int8 (QDQ) graphs through the real server find
 * what the float graphs find on coco128 photos, and a folder of another precision, or a model
 * with no int8 form, is refused at load.
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
import { PRECISIONS, type Precision } from '@maskrcnn-zmq/models';
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

/** The CLI's own path: flags → ensureModel converts the Caffe2 files into the precision's folder. */
async function convertedModelDir(precision: Precision, cacheDir: string): Promise<string> {
  const flags = modelOptions(new Command())
    .parse(
      [
        '--precision',
        precision,
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
  assert.equal(options.precision, precision);
  return options.modelDir;
}

describe('serve --precision int8 and int8-heads', () => {
  let cacheDir: string;
  let servers: VisionServer[];
  const clients = {} as Record<Precision, VisionClient>;

  before(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'int8-cache-'));
    const dirs = {
      int8: await convertedModelDir('int8', cacheDir),
      'int8-heads': await convertedModelDir('int8-heads', cacheDir),
      float: MODEL_DIR,
    };
    assert.equal(dirs.int8, join(cacheDir, 'maskrcnn2go', 'onnx-int8'));
    assert.equal(dirs['int8-heads'], join(cacheDir, 'maskrcnn2go', 'onnx-int8-heads'));
    servers = await Promise.all(
      PRECISIONS.map(async (precision) => {
        const server = await startServer({ modelDir: dirs[precision], precision });
        clients[precision] = new VisionClient({ endpoint: server.endpoint, timeoutMs: 30_000 });
        return server;
      }),
    );
  });

  after(async () => {
    for (const client of Object.values(clients)) client.close();
    await Promise.all(servers?.map((server) => server.close()) ?? []);
    await rm(cacheDir, { recursive: true, force: true });
  });

  test('info() says what the graphs are', async () => {
    const source = async (precision: Precision) => (await clients[precision].info()).model.source;
    assert.equal((await clients.int8.info()).model.name, 'maskrcnn2go');
    assert.match(await source('int8'), /int8 QDQ ONNX/);
    assert.match(await source('int8-heads'), /int8 QDQ heads .* on a float32 backbone/);
    assert.match(await source('float'), /dequantized to float32/);
  });

  for (const precision of ['int8', 'int8-heads'] as const)
    for (const [file, label] of Object.entries(SMOKE_IMAGES)) {
      test(`${precision}, ${file}: the ${label} and every confident detection of it or float are in both`, async () => {
        const bytes = await readFile(photo(file));
        const options = { scoreThreshold: PRESENT, masks: false };
        const [q, f] = await Promise.all([
          clients[precision].detect(bytes, options),
          clients.float.detect(bytes, options),
        ]);
        assert.ok(
          q.instances.some((d) => d.label === label && d.score >= CONFIDENT),
          `${precision} found ${q.instances.map((d) => `${d.label} ${d.score.toFixed(2)}`).join(', ')}`,
        );
        const pairs = [
          ...overlaps(f.instances, q.instances),
          ...overlaps(q.instances, f.instances),
        ];
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

  test('graphs loaded as another precision are refused, naming the folder', async () => {
    const wrong = (dir: string, precision: Precision, holds: Precision) =>
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
    await wrong(join(cacheDir, 'maskrcnn2go', 'onnx-int8'), 'int8-heads', 'int8');
    await wrong(join(cacheDir, 'maskrcnn2go', 'onnx-int8-heads'), 'int8', 'int8-heads');
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
