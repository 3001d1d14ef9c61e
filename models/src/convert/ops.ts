/**
 * Each Caffe2 operator of an int8 Mask R-CNN as float ONNX nodes. The ONNX graphs stay NCHW,
 * so the layout swaps become Identity, and an int8 op becomes its float twin (a fused
 * ConvRelu becomes Conv then Relu). The (de)quantize steps of the int8 net become Identity
 * too: a float graph has none, and an int8 graph (graph.ts, qdq.ts) quantizes around each op
 * through the context. Blob names are kept, so an ONNX graph reads like the Caffe2 net.
 */
import { ConversionError } from '../errors.js';
import { Args, type OperatorDef } from './caffe2-net.js';
import type { AttributeValue, NodeSpec } from './onnx-writer.js';

/** What an op converter may ask of the graph it is added to. */
export interface OpContext {
  /** Marks `blob` as a weight and says how it is laid out; returns its ONNX name. */
  weight(blob: string, layout: 'plain' | 'nhwc-kernel'): string;
  /** The ONNX name of a blob that is not a weight (graph inputs may be renamed). */
  value(blob: string): string;
  /** The int64 graph input holding the image index of each row of `rois`. */
  batchIndex(rois: string): string;
  /** Nodes that flatten `blob` to 2-D ([N, rest]) into the float `output`. */
  flatten(blob: string, output: string): NodeSpec[];
}

type OpConverter = (op: OperatorDef, args: Args, ctx: OpContext) => NodeSpec[];

const ints = (v: number[]): AttributeValue => ({ ints: v });
const int = (v: number): AttributeValue => ({ int: v });

/** A square or per-axis geometry argument (`kernel`, or `kernel_h` and `kernel_w`). */
function pair(args: Args, name: string, fallback: number): [number, number] {
  if (args.has(`${name}s`)) return args.ints(`${name}s`) as [number, number];
  if (args.has(`${name}_h`)) return [args.int(`${name}_h`), args.int(`${name}_w`)];
  const v = args.int(name, fallback);
  return [v, v];
}

/** Pads as ONNX orders them: top, left, bottom, right (Caffe2's `pads` has the same order). */
function pads(args: Args): number[] {
  if (args.has('pads')) return args.ints('pads');
  if (args.has('pad_t')) return ['pad_t', 'pad_l', 'pad_b', 'pad_r'].map((n) => args.int(n));
  const p = args.int('pad', 0);
  return [p, p, p, p];
}

function requireNhwc(op: OperatorDef, args: Args): void {
  const order = args.string('order', 'NCHW');
  if (order !== 'NHWC') {
    throw new ConversionError(`${op.type} → ${op.output[0]}: order ${order}, expected NHWC`);
  }
}

function conv(op: OperatorDef, args: Args, ctx: OpContext, output: string): NodeSpec {
  requireNhwc(op, args);
  const dilation = pair(args, 'dilation', 1);
  if (dilation[0] !== 1 || dilation[1] !== 1) {
    throw new ConversionError(`${op.type} → ${op.output[0]}: dilated convolution is not supported`);
  }
  const [x, w, b] = op.input;
  return {
    opType: 'Conv',
    inputs: [ctx.value(x), ctx.weight(w, 'nhwc-kernel'), ctx.weight(b, 'plain')],
    outputs: [output],
    attributes: [
      ['kernel_shape', ints(pair(args, 'kernel', 1))],
      ['pads', ints(pads(args))],
      ['strides', ints(pair(args, 'stride', 1))],
      ['group', int(args.int('group', 1))],
    ],
  };
}

const relu = (input: string, output: string): NodeSpec => ({
  opType: 'Relu',
  inputs: [input],
  outputs: [output],
});

/** A fused op as its plain op into `<out>__<suffix>`, then Relu into `<out>`. */
function withRelu(node: (out: string) => NodeSpec, output: string, suffix: string): NodeSpec[] {
  const inner = `${output}__${suffix}`;
  return [node(inner), relu(inner, output)];
}

const identity: OpConverter = (op, _args, ctx) => [
  { opType: 'Identity', inputs: [ctx.value(op.input[0])], outputs: [op.output[0]] },
];

function add(op: OperatorDef, ctx: OpContext, output: string): NodeSpec {
  if (op.input.length !== 2) {
    throw new ConversionError(
      `${op.type} → ${op.output[0]}: ${op.input.length} inputs, expected 2`,
    );
  }
  return { opType: 'Add', inputs: op.input.map((i) => ctx.value(i)), outputs: [output] };
}

function pool(opType: 'AveragePool' | 'MaxPool'): OpConverter {
  return (op, args, ctx) => {
    requireNhwc(op, args);
    const input = [ctx.value(op.input[0])];
    if (args.int('global_pooling', 0)) {
      return [{ opType: `Global${opType}`, inputs: input, outputs: [op.output[0]] }];
    }
    const padding = pads(args);
    const attributes: NodeSpec['attributes'] = [
      ['kernel_shape', ints(pair(args, 'kernel', 1))],
      ['strides', ints(pair(args, 'stride', 1))],
    ];
    if (padding.some((p) => p !== 0)) attributes.push(['pads', ints(padding)]);
    return [{ opType, inputs: input, outputs: [op.output[0]], attributes }];
  };
}

/** The converters by Caffe2 operator type. */
export const OP_CONVERTERS: Readonly<Record<string, OpConverter>> = {
  NCHW2NHWC: identity,
  NHWC2NCHW: identity,
  Int8Quantize: identity,
  Int8Dequantize: identity,
  Int8Conv: (op, args, ctx) => [conv(op, args, ctx, op.output[0])],
  Int8ConvRelu: (op, args, ctx) =>
    withRelu((out) => conv(op, args, ctx, out), op.output[0], 'conv'),
  Int8ConvTranspose: (op, args, ctx) => {
    requireNhwc(op, args);
    const [x, w, b] = op.input;
    if (pair(args, 'adj', 0).some((a) => a !== 0)) {
      throw new ConversionError(`${op.type} → ${op.output[0]}: output padding is not supported`);
    }
    return [
      {
        opType: 'ConvTranspose',
        // Caffe2 keeps a transposed kernel as [in, kH, kW, out]; ONNX wants [in, out, kH, kW].
        inputs: [ctx.value(x), ctx.weight(w, 'nhwc-kernel'), ctx.weight(b, 'plain')],
        outputs: [op.output[0]],
        attributes: [
          ['kernel_shape', ints(pair(args, 'kernel', 1))],
          ['pads', ints(pads(args))],
          ['strides', ints(pair(args, 'stride', 1))],
        ],
      },
    ];
  },
  Int8Sum: (op, _args, ctx) => [add(op, ctx, op.output[0])],
  Int8Add: (op, _args, ctx) => [add(op, ctx, op.output[0])],
  Int8SumRelu: (op, _args, ctx) => withRelu((out) => add(op, ctx, out), op.output[0], 'sum'),
  Int8AddRelu: (op, _args, ctx) => withRelu((out) => add(op, ctx, out), op.output[0], 'sum'),
  Int8Relu: (op, _args, ctx) => [relu(ctx.value(op.input[0]), op.output[0])],
  Relu: (op, _args, ctx) => [relu(ctx.value(op.input[0]), op.output[0])],
  Sigmoid: (op, _args, ctx) => [
    { opType: 'Sigmoid', inputs: [ctx.value(op.input[0])], outputs: [op.output[0]] },
  ],
  Int8AveragePool: pool('AveragePool'),
  Int8MaxPool: pool('MaxPool'),
  Int8FC: (op, _args, ctx) => {
    // Caffe2's FC flattens its input to [N, rest] and multiplies by W transposed ([out, in]).
    const [x, w, b] = op.input;
    const flat = `${op.output[0]}__flat`;
    return [
      ...ctx.flatten(x, flat),
      {
        opType: 'Gemm',
        inputs: [flat, ctx.weight(w, 'plain'), ctx.weight(b, 'plain')],
        outputs: [op.output[0]],
        attributes: [['transB', int(1)]],
      },
    ];
  },
  Int8Softmax: (op, _args, ctx) => [
    {
      opType: 'Softmax',
      inputs: [ctx.value(op.input[0])],
      outputs: [op.output[0]],
      attributes: [['axis', int(1)]],
    },
  ],
  RoIAlign: (op, args, ctx) => {
    // Caffe2 takes rois as [R, 5] (image index, x1, y1, x2, y2); ONNX takes the boxes and the
    // indices apart. Without `aligned`, Caffe2 samples like ONNX's output_half_pixel mode.
    const [x, rois] = op.input;
    const aligned = args.int('aligned', 0) !== 0;
    return [
      {
        opType: 'RoiAlign',
        inputs: [ctx.value(x), ctx.value(rois), ctx.batchIndex(rois)],
        outputs: [op.output[0]],
        attributes: [
          ['output_height', int(args.int('pooled_h'))],
          ['output_width', int(args.int('pooled_w'))],
          // Caffe2's -1 and ONNX's 0 both mean "adaptive".
          ['sampling_ratio', int(Math.max(0, args.int('sampling_ratio', -1)))],
          ['spatial_scale', { float: args.float('spatial_scale', 1) }],
          ['mode', { string: 'avg' }],
          [
            'coordinate_transformation_mode',
            { string: aligned ? 'half_pixel' : 'output_half_pixel' },
          ],
        ],
      },
    ];
  },
};

/**
 * The ONNX nodes of one Caffe2 operator.
 * @throws {ConversionError} for an operator type the converter does not know.
 */
export function convertOp(op: OperatorDef, ctx: OpContext): NodeSpec[] {
  const converter = Object.hasOwn(OP_CONVERTERS, op.type) ? OP_CONVERTERS[op.type] : undefined;
  if (!converter) {
    throw new ConversionError(`no ONNX form for Caffe2 operator ${op.type} → ${op.output[0]}`);
  }
  return converter(op, new Args(op), ctx);
}
