import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureModel, type ProgressEvent, type ReadyModel } from '@maskrcnn-zmq/models';
import { VisionClient } from '@maskrcnn-zmq/shared';
import type { VisionServer } from '../../src/server.js';
import { COCO_DIR, MODEL_DIR, SHARED, startServer } from '../helpers.js';

/** How many coco128 photos each set detects (about 0.1 s a photo a set). */
const PHOTOS = 32;

// The models package converts MaskRCNN2GO's Caffe2 originals into ONNX; the shared folder
// holds a reference conversion. Whichever set a server loads, its answers must be the same.
describe('MaskRCNN2GO from the reference ONNX set or converted from Caffe2', () => {
  let cacheDir: string;
  let converted: ReadyModel;
  const events: ProgressEvent[] = [];
  let servers: VisionServer[];
  before(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'model-sets-'));
    converted = await ensureModel('maskrcnn2go', {
      cacheDir,
      allowDownload: false,
      seedFrom: `${SHARED}models/maskrcnn2go/caffe2`,
      onProgress: (event) => events.push(event),
    });
    servers = await Promise.all([
      startServer({ modelDir: MODEL_DIR }),
      startServer({ modelDir: converted.dir }),
    ]);
  });
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await rm(cacheDir, { recursive: true });
  });

  test('the cache set is converted from the Caffe2 pair, not copied from the reference', () => {
    assert.equal(converted.dir, join(cacheDir, 'maskrcnn2go', 'onnx'));
    const seeded = events.flatMap((e) => (e.type === 'seeded' ? [e.file] : []));
    assert.deepEqual(seeded, ['caffe2/model.pb', 'caffe2/model_init.pb']);
    const steps = events.flatMap((e) => (e.type === 'convert-step' ? [e.file] : []));
    assert.deepEqual(steps, [
      'backbone_rpn.onnx',
      'box_head.onnx',
      'mask_head.onnx',
      'anchors.json',
    ]);
    assert.ok(events.some((e) => e.type === 'convert-done'));
  });

  test(`detect answers the same on ${PHOTOS} coco128 photos, every instance, box, score and mask`, async () => {
    const files = readdirSync(`${COCO_DIR}/images`).sort().slice(0, PHOTOS);
    const clients = servers.map(
      (server) => new VisionClient({ endpoint: server.endpoint, timeoutMs: 60_000 }),
    );
    let instances = 0;
    try {
      for (const file of files) {
        const image = readFileSync(`${COCO_DIR}/images/${file}`);
        const [reference, fromCaffe2] = await Promise.all(
          clients.map((client) => client.detect(image, { scoreThreshold: 0 })),
        );
        const { timingsMs: _r, ...expected } = reference;
        const { timingsMs: _c, ...actual } = fromCaffe2;
        assert.deepEqual(actual, expected, file);
        instances += reference.instances.length;
      }
    } finally {
      for (const client of clients) client.close();
    }
    assert.ok(instances > 10 * PHOTOS, `only ${instances} instances compared`);
  });
});
