import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { decodeImage } from '../../src/image/decode.js';
import { detachMaskUpsample } from '../../src/inference/mask-head-graph.js';
import { upsampleClassMap } from '../../src/inference/mask-upsample.js';
import { type FloatTensor, MaskRcnn2GoGraphs, OnnxGraph } from '../../src/inference/model.js';
import { inputSize, toBgrTensor } from '../../src/inference/preprocess.js';
import { MODEL_DIR, photo } from '../helpers.js';

const OPTS = { executionProvider: 'cpu', threads: 2 } as const;

describe('detachMaskUpsample', () => {
  let graphs: MaskRcnn2GoGraphs;
  let full: OnnxGraph;
  let feat: FloatTensor;
  before(async () => {
    graphs = await MaskRcnn2GoGraphs.load(MODEL_DIR, OPTS);
    full = await OnnxGraph.open(`${MODEL_DIR}/mask_head.onnx`, OPTS);
    const image = await decodeImage(readFileSync(photo('000000000034.jpg')));
    const size = inputSize(image.width, image.height, { shortSide: 320, maxLongSide: 640 });
    const tensor = toBgrTensor(image, size);
    ({ feat } = await graphs.backboneRpn({
      data: tensor.data,
      dims: [1, 3, tensor.height, tensor.width],
    }));
  });
  after(() => Promise.all([graphs.release(), full.release()]));

  test('gives, per class, the probabilities of the uncut graph', async () => {
    const rois = new Float32Array([0, 10, 335, 293, 100, 50, 200, 150, 30, 200, 60, 300]);
    const batch = { feat, rois: { data: rois, dims: [3, 4] }, batch_idx: new BigInt64Array(3) };
    const [probs] = await full.run(batch, ['mask_fcn_probs']);
    const logits = await graphs.maskHead(feat, rois);
    assert.deepEqual(probs.dims, [3, 81, 24, 24]);
    assert.deepEqual(logits.dims, [3, 81, 12, 12]);
    let worst = 0;
    for (let r = 0; r < 3; r++) {
      for (const classId of [1, 16, 23, 80]) {
        const { probs: mine, side } = upsampleClassMap(
          logits.data,
          (r * 81 + classId) * 144,
          12,
          classId,
          graphs.maskUpsample,
        );
        assert.equal(side, 24);
        const theirs = probs.data.subarray((r * 81 + classId) * 576, (r * 81 + classId + 1) * 576);
        for (let i = 0; i < 576; i++) worst = Math.max(worst, Math.abs(mine[i] - theirs[i]));
      }
    }
    assert.ok(worst < 1e-5, `largest difference ${worst}`);
  });

  test('refuses a graph that does not end in an upsampling layer', () => {
    const boxHead = readFileSync(`${MODEL_DIR}/box_head.onnx`);
    assert.throws(() => detachMaskUpsample(boxHead, 'box_head.onnx'), {
      name: 'ModelLoad',
      message: /^box_head\.onnx: cannot detach the mask upsampling layer: no ConvTranspose$/,
    });
  });
});

describe('upsampleClassMap', () => {
  test('scatters each logit through its class kernel, crops the padding, applies a sigmoid', () => {
    // One 1×1 map per class; kernel 4, stride 2, pad 1: the output is the kernel's centre 2×2.
    const kernels = new Float32Array(32);
    kernels.set([0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0], 16);
    const up = {
      classes: 2,
      kernel: 4,
      stride: 2,
      pad: 1,
      kernels,
      bias: new Float32Array([0, -1]),
    };
    const { probs, side } = upsampleClassMap(new Float32Array([9, 0.5]), 1, 1, 1, up);
    assert.equal(side, 2);
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    const expected = [0.5 - 1, 1 - 1, 1.5 - 1, 2 - 1].map(sigmoid);
    for (let i = 0; i < 4; i++) assert.ok(Math.abs(probs[i] - expected[i]) < 1e-6);
  });
});
