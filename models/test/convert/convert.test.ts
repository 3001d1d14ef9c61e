/**
 * The Caffe2 → ONNX conversion of MaskRCNN2GO against the reference conversion in
 * ../shared/models/maskrcnn2go/onnx: same graphs, same anchors, and, run with onnxruntime on
 * real COCO photos, the same outputs within 1e-4.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import protobuf from 'protobufjs';
import sharp from 'sharp';
import {
  type ConvertedFile,
  convertMaskRcnn2go,
  MASKRCNN2GO_OUTPUTS,
} from '../../src/convert/convert.js';
import { ConversionError } from '../../src/errors.js';
import { CAFFE2_DIR, COCO_IMAGES, REFERENCE_ONNX_DIR } from '../helpers/shared-data.js';

const { onnx } = onnxProto;
const TOLERANCE = 1e-4;

/** Decodes a photo as the server feeds the backbone: BGR, 0..255 floats, NCHW, short side 320. */
async function inputTensor(file: string): Promise<ort.Tensor> {
  const image = sharp(`${COCO_IMAGES}/${file}`);
  const { width = 0, height = 0 } = await image.metadata();
  const scale = Math.min(320 / Math.min(width, height), 640 / Math.max(width, height));
  const w = Math.round(width * scale);
  const h = Math.round(height * scale);
  const { data } = await image
    .resize(w, h, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const plane = w * h;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    out[i] = data[3 * i + 2];
    out[plane + i] = data[3 * i + 1];
    out[2 * plane + i] = data[3 * i];
  }
  return new ort.Tensor('float32', out, [1, 3, h, w]);
}

/** Boxes of several sizes and shapes over the image, in resized-image pixels. */
function roisOver(width: number, height: number): { rois: ort.Tensor; batch: ort.Tensor } {
  const boxes: number[] = [];
  for (const size of [24, 64, 160]) {
    for (const aspect of [0.5, 1, 2]) {
      const bw = size * Math.sqrt(aspect);
      const bh = size / Math.sqrt(aspect);
      for (const [fx, fy] of [
        [0.2, 0.3],
        [0.5, 0.5],
        [0.8, 0.6],
      ]) {
        const cx = fx * width;
        const cy = fy * height;
        boxes.push(cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2);
      }
    }
  }
  const count = boxes.length / 4;
  return {
    rois: new ort.Tensor('float32', Float32Array.from(boxes), [count, 4]),
    batch: new ort.Tensor('int64', new BigInt64Array(count), [count]),
  };
}

function maxAbsDiff(a: ort.Tensor, b: ort.Tensor): number {
  assert.deepEqual(a.dims, b.dims);
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  let max = 0;
  for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
  return max;
}

describe('convertMaskRcnn2go', () => {
  let converted: Map<string, Uint8Array>;

  before(async () => {
    const [net, init] = await Promise.all([
      readFile(`${CAFFE2_DIR}/model.pb`),
      readFile(`${CAFFE2_DIR}/model_init.pb`),
    ]);
    const files: ConvertedFile[] = [...convertMaskRcnn2go(net, init)];
    converted = new Map(files.map((f) => [f.name, f.bytes]));
  });

  test('yields the three graphs and the anchors, in the order the server runs them', () => {
    assert.deepEqual([...converted.keys()], [...MASKRCNN2GO_OUTPUTS]);
    assert.deepEqual(MASKRCNN2GO_OUTPUTS, [
      'backbone_rpn.onnx',
      'box_head.onnx',
      'mask_head.onnx',
      'anchors.json',
    ]);
  });

  test('anchors.json is byte for byte the reference', async () => {
    const reference = await readFile(`${REFERENCE_ONNX_DIR}/anchors.json`);
    assert.equal(Buffer.from(converted.get('anchors.json')!).toString(), reference.toString());
  });

  for (const file of ['backbone_rpn.onnx', 'box_head.onnx', 'mask_head.onnx']) {
    test(`${file}: the same graph as the reference, opset 16, our own producer`, async () => {
      const ours = onnx.ModelProto.decode(converted.get(file)!);
      const reference = onnx.ModelProto.decode(await readFile(`${REFERENCE_ONNX_DIR}/${file}`));
      // Nodes, attributes, weights, inputs and outputs all compare equal when the encoded
      // graphs do; only the model header (who produced it) differs.
      const encode = (m: onnxProto.onnx.ModelProto) =>
        Buffer.from(onnx.GraphProto.encode(m.graph!).finish());
      assert.ok(encode(ours).equals(encode(reference)), `${file}: graphs differ`);
      assert.deepEqual(
        ours.opsetImport.map((o) => Number(o.version)),
        [16],
      );
      assert.equal(ours.producerName, '@maskrcnn-zmq/models');
    });
  }

  test('outputs match the reference graphs within 1e-4 on real photos', async () => {
    const graphs = ['backbone_rpn.onnx', 'box_head.onnx', 'mask_head.onnx'];
    const ours = await Promise.all(
      graphs.map((g) => ort.InferenceSession.create(converted.get(g)!)),
    );
    const refs = await Promise.all(
      graphs.map((g) => ort.InferenceSession.create(`${REFERENCE_ONNX_DIR}/${g}`)),
    );
    const [ourBackbone, ourBox, ourMask] = ours;
    const [refBackbone, refBox, refMask] = refs;

    for (const photo of ['000000000009.jpg', '000000000034.jpg']) {
      const data = await inputTensor(photo);
      const a = await ourBackbone.run({ data });
      const b = await refBackbone.run({ data });
      for (const name of ['rpn_cls_probs', 'rpn_bbox_pred', 'feat']) {
        assert.ok(maxAbsDiff(a[name], b[name]) <= TOLERANCE, `${photo} ${name}`);
      }
      assert.equal(a.rpn_cls_probs.dims[1], 15);
      assert.equal(a.feat.dims[1], 128);

      const [, , h, w] = data.dims;
      const { rois, batch } = roisOver(w, h);
      const heads = { feat: a.feat, rois, batch_idx: batch };
      const boxA = await ourBox.run(heads);
      const boxB = await refBox.run(heads);
      for (const name of ['cls_prob', 'bbox_pred']) {
        assert.ok(maxAbsDiff(boxA[name], boxB[name]) <= TOLERANCE, `${photo} ${name}`);
      }
      const maskA = await ourMask.run(heads);
      const maskB = await refMask.run(heads);
      assert.ok(
        maxAbsDiff(maskA.mask_fcn_probs, maskB.mask_fcn_probs) <= TOLERANCE,
        `${photo} masks`,
      );
      assert.deepEqual(maskA.mask_fcn_probs.dims, [rois.dims[0], 81, 24, 24]);
    }
    await Promise.all([...ours, ...refs].map((s) => s.release()));
  });

  test('bytes that are not a NetDef are a ConversionError naming the file', async () => {
    const init = await readFile(`${CAFFE2_DIR}/model_init.pb`);
    assert.throws(
      () => [...convertMaskRcnn2go(Buffer.from('not a protobuf at all'), init)],
      (e: unknown) =>
        e instanceof ConversionError && /^model\.pb is not a Caffe2 NetDef/.test(e.message),
    );
  });

  test('an operator with no ONNX form is a ConversionError naming it', async () => {
    const schema = fileURLToPath(new URL('../../../src/convert/caffe2.proto', import.meta.url));
    const NetDef = protobuf.loadSync(schema).lookupType('caffe2.NetDef');
    const [net, init] = await Promise.all([
      readFile(`${CAFFE2_DIR}/model.pb`),
      readFile(`${CAFFE2_DIR}/model_init.pb`),
    ]);
    const edited = NetDef.toObject(NetDef.decode(net)) as { op: { type: string }[] };
    edited.op[3].type = 'Int8FancyConv';
    const bytes = NetDef.encode(NetDef.fromObject(edited)).finish();
    assert.throws(
      () => [...convertMaskRcnn2go(bytes, init)],
      (e: unknown) =>
        e instanceof ConversionError &&
        e.message === 'no ONNX form for Caffe2 operator Int8FancyConv → xif0_0_pw_bn_v1_int8',
    );
  });
});
