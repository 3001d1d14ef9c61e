/**
 * The int8 conversions of MaskRCNN2GO: QDQ graphs that carry the Caffe2 net's own scales and
 * zero points, whose int8 weights stand for exactly the float conversion's values, and which
 * onnxruntime loads and fuses into integer kernels; int8-heads is the float backbone with the
 * int8 heads.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { convertMaskRcnn2go } from '../../src/convert/convert.js';
import type { Precision } from '../../src/precision.js';
import { CAFFE2_DIR } from '../helpers/shared-data.js';

const { onnx } = onnxProto;
type Graph = onnxProto.onnx.GraphProto;
type Node = onnxProto.onnx.NodeProto;
const nodes = (graph: Graph) => graph.node as Node[];
const GRAPHS = ['backbone_rpn.onnx', 'box_head.onnx', 'mask_head.onnx'];

/** An initializer's values as numbers, whatever its element type. */
function values(graph: Graph, name: string): number[] {
  const tensor = graph.initializer.find((t) => t.name === name) as onnxProto.onnx.TensorProto;
  assert.ok(tensor, `initializer ${name}`);
  const raw = new Uint8Array(tensor.rawData);
  const { DataType } = onnx.TensorProto;
  switch (tensor.dataType) {
    case DataType.FLOAT:
      return [...new Float32Array(raw.buffer)];
    case DataType.INT8:
      return [...new Int8Array(raw.buffer)];
    case DataType.UINT8:
      return [...raw];
    case DataType.INT32:
      return [...new Int32Array(raw.buffer)];
  }
  throw new Error(`${name}: element type ${tensor.dataType}`);
}

const node = (graph: Graph, opType: string, input: string) =>
  nodes(graph).find((n) => n.opType === opType && n.input[0] === input);

describe('convertMaskRcnn2go at int8', () => {
  let int8: Map<string, Graph>;
  let float: Map<string, Graph>;
  let int8Heads: Map<string, Graph>;
  let scratch: string;

  before(async () => {
    const [net, init] = await Promise.all([
      readFile(`${CAFFE2_DIR}/model.pb`),
      readFile(`${CAFFE2_DIR}/model_init.pb`),
    ]);
    const graphs = (precision: Precision) =>
      new Map(
        [...convertMaskRcnn2go(net, init, precision)]
          .filter((f) => f.name.endsWith('.onnx'))
          .map((f) => [f.name, onnx.ModelProto.decode(f.bytes).graph as Graph]),
      );
    int8 = graphs('int8');
    float = graphs('float');
    int8Heads = graphs('int8-heads');
    scratch = await mkdtemp(join(tmpdir(), 'models-int8-'));
  });

  after(() => rm(scratch, { recursive: true, force: true }));

  test("an activation is quantized with its op's Y_scale and Y_zero_point, then dequantized", () => {
    // model.pb: Int8Conv → xif0_0_bn_int8, Y_scale 0.02031303569674492, Y_zero_point 126.
    const graph = int8.get('backbone_rpn.onnx')!;
    const quantize = node(graph, 'QuantizeLinear', 'xif0_0_bn_int8');
    assert.ok(quantize, 'QuantizeLinear of xif0_0_bn_int8');
    const [, scale, zeroPoint] = quantize.input;
    assert.deepEqual(values(graph, scale), [Math.fround(0.02031303569674492)]);
    assert.deepEqual(values(graph, zeroPoint), [126]);
    const dequantize = node(graph, 'DequantizeLinear', quantize.output[0]);
    assert.deepEqual(dequantize?.input.slice(1), [scale, zeroPoint]);
    // The next convolution reads the dequantized value.
    assert.ok(
      nodes(graph).some((n) => n.opType === 'Conv' && n.input[0] === dequantize?.output[0]),
    );
  });

  test('int8 weights and int32 biases stand for exactly the float conversion’s values', () => {
    let checked = 0;
    for (const file of GRAPHS) {
      const graph = int8.get(file)!;
      const reference = float.get(file)!;
      for (const dq of nodes(graph).filter((n) => n.opType === 'DequantizeLinear')) {
        const [integers, scale, zeroPoint] = dq.input;
        if (!graph.initializer.some((t) => t.name === integers)) continue;
        const [s] = values(graph, scale);
        const [z] = values(graph, zeroPoint);
        const want = values(reference, integers);
        const got = values(graph, integers).map((q) => Math.fround((q - z) * s));
        assert.deepEqual(got, want, `${file}: ${integers}`);
        checked++;
      }
    }
    // 81 uint8 weights with their int32 biases, less the two ConvTransposes' (float there).
    assert.ok(checked > 150, `${checked} weights checked`);
    const maskHead = nodes(int8.get('mask_head.onnx')!);
    const convTranspose = maskHead.filter((n) => n.opType === 'ConvTranspose');
    for (const n of convTranspose) {
      assert.ok(!n.input[1].endsWith('__dq'), `${n.input[1]} stays float`);
    }
  });

  test('onnxruntime loads each graph and fuses its QDQ groups into integer kernels', async () => {
    const counts: Record<string, Record<string, number>> = {};
    for (const file of GRAPHS) {
      const optimized = join(scratch, file);
      const bytes = onnx.ModelProto.encode({
        irVersion: 8,
        opsetImport: [{ domain: '', version: 16 }],
        graph: int8.get(file)!,
      }).finish();
      const session = await ort.InferenceSession.create(bytes, {
        graphOptimizationLevel: 'all',
        optimizedModelFilePath: optimized,
      });
      await session.release();
      counts[file] = {};
      for (const n of nodes(onnx.ModelProto.decode(await readFile(optimized)).graph as Graph)) {
        counts[file][n.opType] = (counts[file][n.opType] ?? 0) + 1;
      }
    }
    const backbone = counts['backbone_rpn.onnx'];
    assert.ok(backbone.QLinearConv >= 50 && backbone.QLinearAdd >= 10, JSON.stringify(backbone));
    assert.equal(backbone.Conv, undefined, 'no float convolution left');
    const box = counts['box_head.onnx'];
    assert.equal(box.QGemm, 2, JSON.stringify(box));
    assert.equal(box.QLinearSoftmax, 1);
    assert.equal(box.QLinearAveragePool, 1);
    const mask = counts['mask_head.onnx'];
    assert.ok(mask.QLinearConv >= 12, JSON.stringify(mask));
    assert.equal(mask.ConvTranspose, 2, 'no int8 ConvTranspose kernel on CPU: float');
  });

  test('int8-heads: the float backbone, the int8 heads, graph for graph', () => {
    const encoded = (graph: Graph) => onnx.GraphProto.encode(graph).finish();
    assert.deepEqual(
      encoded(int8Heads.get('backbone_rpn.onnx')!),
      encoded(float.get('backbone_rpn.onnx')!),
    );
    for (const head of ['box_head.onnx', 'mask_head.onnx'])
      assert.deepEqual(encoded(int8Heads.get(head)!), encoded(int8.get(head)!), head);
  });
});
