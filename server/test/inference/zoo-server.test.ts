import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { VisionClient } from '@maskrcnn-zmq/shared';
import { Command } from 'commander';
import { pino } from 'pino';
import sharp from 'sharp';
import { type ModelFlags, modelOptions, serverOptions } from '../../src/cli/server-options.js';
import { toDetectedInstances } from '../../src/coco/results.js';
import { decodeImage } from '../../src/image/decode.js';
import { MaskRcnnPipeline } from '../../src/inference/pipeline.js';
import type { VisionServer } from '../../src/server.js';
import { startServer } from '../helpers.js';
import { zooFixtureDir } from './zoo-fixture.js';

const silent = pino({ level: 'silent' });

describe('a server running the ONNX Model Zoo Mask R-CNN', () => {
  let dir: string;
  let server: VisionServer;
  let client: VisionClient;
  let png: Buffer;
  before(async () => {
    dir = await zooFixtureDir();
    server = await startServer({ modelDir: dir });
    client = new VisionClient({ endpoint: server.endpoint, timeoutMs: 30_000 });
    png = await sharp({
      create: { width: 301, height: 199, channels: 3, background: { r: 250, g: 120, b: 30 } },
    })
      .png()
      .toBuffer();
  });
  after(async () => {
    client.close();
    await server.close();
    await rm(dir, { recursive: true });
  });

  test('info() names it', async () => {
    const { model } = await client.info();
    assert.equal(model.name, 'resnet50-fpn');
    assert.match(model.inputSize, /sides padded to multiples of 32$/);
    assert.equal(model.classes.length, 80);
  });

  test('detect() answers what the pipeline finds, masks as RLE, under its name', async () => {
    // The stand-in scores 0.99, 0.52 and 0.22 (see zoo-fixture.ts): the default 0.5 keeps two.
    const reply = await client.detect(png);
    assert.equal(reply.model, 'resnet50-fpn');
    assert.deepEqual([reply.width, reply.height], [301, 199]);

    const pipeline = await MaskRcnnPipeline.load(dir, { threads: 1 });
    try {
      const { instances } = await pipeline.run(await decodeImage(png), {
        scoreThreshold: 0.5,
        maxDetections: 100,
        masks: true,
      });
      assert.deepEqual(reply.instances, toDetectedInstances(instances, 199, 301));
    } finally {
      await pipeline.close();
    }
    assert.deepEqual(
      reply.instances.map((i) => i.label),
      ['toothbrush', 'dog'],
    );
    assert.ok(reply.instances.every((i) => i.mask?.counts));
  });

  test('getMask() draws the detections on the image', async () => {
    const composite = await client.getMask(png, { format: 'png', scoreThreshold: 0 });
    const { width, height, format } = await sharp(composite).metadata();
    assert.deepEqual([format, width, height], ['png', 301, 199]);
    // Drawn over a uniform image: the composite is not uniform.
    const { channels } = await sharp(composite).stats();
    assert.ok(channels.some((c) => c.min !== c.max));
  });
});

describe('selecting the model by name', () => {
  test('--model resnet50-fpn asks the manifest for MaskRCNN-10.onnx', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'zoo-cache-'));
    try {
      const flags = modelOptions(new Command())
        .parse(['--model', 'resnet50-fpn', '--cache-dir', cacheDir, '--offline'], { from: 'user' })
        .opts<ModelFlags>();
      await assert.rejects(serverOptions(flags, silent), (error: Error) => {
        assert.equal(error.name, 'ModelMissing');
        assert.ok(
          error.message.includes(join(cacheDir, 'resnet50-fpn', 'onnx', 'MaskRCNN-10.onnx')),
        );
        assert.match(error.message, /mask-rcnn\/model\/MaskRCNN-10\.onnx/);
        return true;
      });
    } finally {
      await rm(cacheDir, { recursive: true });
    }
  });
});
