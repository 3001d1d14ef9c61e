import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getModelSpec } from '@maskrcnn-zmq/models';
import { pasteMask } from '../../src/inference/masks.js';
import { MaskRcnnPipeline } from '../../src/inference/pipeline.js';
import type { BoxMask, Instance, RgbImage } from '../../src/inference/types.js';
import { ZooMaskRcnnDetector } from '../../src/inference/zoo-maskrcnn.js';
import { FIXED_BOXES, MASK_SIDE, MASKS, zooFixtureDir } from './zoo-fixture.js';

/** The zoo's means, B, G, R (its README). */
const MEAN_BGR = [102.9801, 115.9465, 122.7717];
const RGB = [250, 120, 30];
const ALL = { scoreThreshold: 0, maxDetections: 100, masks: true };

/** A uniform image: every input pixel of the tensor is then exactly RGB minus the mean. */
function uniformImage(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(RGB, i);
  return { width, height, data };
}

/**
 * What the fixture scores channel c (B, G, R) of an image resized to w × h and padded to
 * wt × ht: the channel mean over the padded tensor, whose padding is zero.
 */
function expectedScore(c: number, w: number, h: number, wt: number, ht: number): number {
  const value = RGB[2 - c] - MEAN_BGR[c];
  return 0.5 + (value * (w * h)) / (wt * ht) / 256;
}

function assertClose(actual: readonly number[], expected: readonly number[], what: string) {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((v, i) => {
    assert.ok(Math.abs(v - expected[i]) < 1e-4, `${what}: [${actual}] is not [${expected}]`);
  });
}

/** Image pixels of a mask that are set. */
function* setPixels(mask: BoxMask): Generator<[x: number, y: number]> {
  for (let y = 0; y < mask.height; y++) {
    for (let x = 0; x < mask.width; x++) {
      if (mask.data[y * mask.width + x]) yield [mask.x0 + x, mask.y0 + y];
    }
  }
}

describe('the ONNX Model Zoo Mask R-CNN through MaskRcnnPipeline', () => {
  let dir: string;
  let pipeline: MaskRcnnPipeline;
  before(async () => {
    dir = await zooFixtureDir();
    pipeline = await MaskRcnnPipeline.load(dir, { threads: 2 });
    await pipeline.warmUp();
  });
  after(async () => {
    await pipeline.close();
    await rm(dir, { recursive: true });
  });

  test('is the model info() names, with its input rule', () => {
    const model = pipeline.describe();
    assert.equal(model.name, 'resnet50-fpn');
    assert.equal(
      model.inputSize,
      'short side 800 px, long side at most 1333 px, sides padded to multiples of 32',
    );
    assert.match(model.source, /^ONNX Model Zoo onnx\/models@4c46cd0 MaskRCNN-10\.onnx/);
    assert.equal(model.classes.length, 80);
    assert.deepEqual([model.executionProvider, model.threads], ['cpu', 2]);
  });

  describe('on a 301 × 199 image (short side to 800: 1210 × 800, padded to 1216 × 800)', () => {
    const [W, H] = [301, 199];
    // Each axis back by its own ratio; the last box is clipped to the image.
    const back = ([x1, y1, x2, y2]: number[]) => {
      const [sx, sy] = [W / 1210, H / 800];
      return [x1 * sx, y1 * sy, Math.min(x2 * sx, W - 1), Math.min(y2 * sy, H - 1)];
    };
    let instances: Instance[];
    before(async () => {
      ({ instances } = await pipeline.run(uniformImage(W, H), ALL));
    });

    test('feeds BGR minus the means, resized to 1210 × 800 and zero-padded to 1216 × 800', () => {
      // Best first: R (detection 2), G (1), B (0).
      assertClose(
        instances.map((i) => i.score),
        [2, 1, 0].map((c) => expectedScore(c, 1210, 800, 1216, 800)),
        'scores',
      );
      // The padded size, from the first detection's box [Wt/16, Ht/16, Wt/8, Ht/8].
      assertClose(instances[2].box, back([1216 / 16, 800 / 16, 1216 / 8, 800 / 8]), 'shape box');
    });

    test('takes boxes back to original pixels, per axis, clipped to the image', () => {
      assertClose(instances[1].box, back(FIXED_BOXES[0]), 'detection 1');
      assertClose(instances[0].box, back(FIXED_BOXES[1]), 'detection 2');
      assert.deepEqual(instances[0].box.slice(2), [300, 198]);
    });

    test('names labels 1, 17, 80 as COCO classes', () => {
      assert.deepEqual(
        instances.map((i) => [i.classId, i.label]),
        [
          [80, 'toothbrush'],
          [17, 'dog'],
          [1, 'person'],
        ],
      );
    });

    test("pastes each detection's own 28 × 28 map into its box", () => {
      for (const [instance, graphIndex] of [2, 1, 0].map((g, i) => [instances[i], g] as const)) {
        const expected = pasteMask(
          MASKS,
          graphIndex * MASK_SIDE ** 2,
          MASK_SIDE,
          instance.box,
          W,
          H,
        );
        assert.deepEqual(instance.mask, expected, `detection ${graphIndex}`);
      }
      // The patterns, seen in image pixels: top half, left half, bottom half of the box.
      const centre = (i: Instance) => [(i.box[0] + i.box[2]) / 2, (i.box[1] + i.box[3]) / 2];
      const [person, dog, toothbrush] = [instances[2], instances[1], instances[0]];
      const inside = (
        i: Instance,
        keep: (x: number, y: number, cx: number, cy: number) => boolean,
      ) => {
        const pixels = [...setPixels(i.mask!)];
        const [cx, cy] = centre(i);
        assert.ok(pixels.length > 0, `${i.label}: empty mask`);
        assert.ok(
          pixels.every(([x, y]) => keep(x, y, cx, cy)),
          `${i.label}: mask on the wrong side`,
        );
      };
      inside(person, (_x, y, _cx, cy) => y < cy + 1);
      inside(dog, (x, _y, cx) => x < cx + 1);
      inside(toothbrush, (_x, y, _cx, cy) => y > cy - 1);
    });

    test('filters by score, count and class, and skips masks, on the same path as MaskRCNN2GO', async () => {
      const png = uniformImage(W, H);
      const kept = async (opts: Partial<typeof ALL> & { classIds?: Set<number> }) =>
        (await pipeline.run(png, { ...ALL, ...opts })).instances.map((i) => i.label);
      assert.deepEqual(await kept({ scoreThreshold: 0.3 }), ['toothbrush', 'dog']);
      assert.deepEqual(await kept({ maxDetections: 1 }), ['toothbrush']);
      assert.deepEqual(await kept({ classIds: new Set([1]) }), ['person']);
      const { instances: bare } = await pipeline.run(png, { ...ALL, masks: false });
      assert.ok(bare.every((i) => i.mask === undefined));
    });
  });

  test('fits the long side to 1333 where the short side cannot be 800 (1000 × 300 → 1333 × 400, padded 1344 × 416)', async () => {
    const { instances } = await pipeline.run(uniformImage(1000, 300), ALL);
    assertClose(
      instances.map((i) => i.score),
      [2, 1, 0].map((c) => expectedScore(c, 1333, 400, 1344, 416)),
      'scores',
    );
    const [sx, sy] = [1000 / 1333, 300 / 400];
    assertClose(instances[2].box, [84 * sx, 26 * sy, 168 * sx, 52 * sy], 'shape box');
  });
});

describe('ZooMaskRcnnDetector', () => {
  const OPTS = { executionProvider: 'cpu', threads: 1 } as const;
  const RESNET50_FPN = getModelSpec('resnet50-fpn');

  test('runs a folder holding MaskRCNN-12.onnx as resnet50-fpn-12, as it runs MaskRCNN-10', async () => {
    const dirs = [await zooFixtureDir({ opset: 10 }), await zooFixtureDir({ opset: 12 })];
    const pipelines = await Promise.all(dirs.map((d) => MaskRcnnPipeline.load(d, OPTS)));
    try {
      const [ten, twelve] = pipelines.map((p) => p.describe());
      assert.deepEqual([ten.name, twelve.name], ['resnet50-fpn', 'resnet50-fpn-12']);
      assert.match(twelve.source, / MaskRCNN-12\.onnx \(https:.*\/model\/MaskRCNN-12\.onnx\)/);
      const png = uniformImage(301, 199);
      const [a, b] = await Promise.all(pipelines.map((p) => p.run(png, ALL)));
      assert.equal(a.instances.length, 3);
      assert.deepEqual(b.instances, a.instances);
    } finally {
      await Promise.all(pipelines.map((p) => p.close()));
      await Promise.all(dirs.map((d) => rm(d, { recursive: true })));
    }
  });

  test('refuses a graph without the zoo’s names, saying which are missing', async () => {
    const dir = await zooFixtureDir({ masksName: 'mask_probs' });
    try {
      await assert.rejects(MaskRcnnPipeline.load(dir, { threads: 1 }), {
        name: 'ModelLoad',
        message: /MaskRCNN-10\.onnx is not the ONNX Model Zoo's Mask R-CNN: it lacks 6887 \(/,
      });
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  test('fails a run whose labels are not class ids 1..80', async () => {
    const dir = await zooFixtureDir({ labels: [0, 17, 80] });
    const detector = await ZooMaskRcnnDetector.load(
      join(dir, 'MaskRCNN-10.onnx'),
      RESNET50_FPN,
      OPTS,
    );
    try {
      const image = { width: 64, height: 48, data: new Uint8Array(64 * 48 * 3) };
      await assert.rejects(detector.detect(image), {
        name: 'ModelRun',
        message: 'resnet50-fpn returned label 0, not a class id 1..80',
      });
    } finally {
      await detector.release();
      await rm(dir, { recursive: true });
    }
  });

  test('makes masks only for its own detections', async () => {
    const dir = await zooFixtureDir();
    const detector = await ZooMaskRcnnDetector.load(
      join(dir, 'MaskRCNN-10.onnx'),
      RESNET50_FPN,
      OPTS,
    );
    try {
      const run = await detector.detect({
        width: 64,
        height: 48,
        data: new Uint8Array(64 * 48 * 3),
      });
      assert.equal((await run.masks(run.detections)).masks.length, 3);
      await assert.rejects(run.masks([{ classId: 1, score: 1, box: [0, 0, 9, 9] }]), {
        name: 'RangeError',
        message:
          "resnet50-fpn makes masks only for its own detections; box [0,0,9,9] is not one of this run's",
      });
    } finally {
      await detector.release();
      await rm(dir, { recursive: true });
    }
  });
});
