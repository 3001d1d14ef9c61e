/**
 * The int8 graphs in QDQ form, which onnxruntime's CPU provider fuses into integer kernels.
 * Caffe2's int8 net gives each op's output a scale and zero point (Y_scale, Y_zero_point) and
 * stores each weight as integers with its own; the QDQ graph keeps exactly those numbers:
 *
 *   w (int8) ── DequantizeLinear ─┐
 *   x__q (uint8) ─ DequantizeLinear ─┴→ Conv → y → QuantizeLinear(Y_scale, Y_zero_point) → y__q
 *
 * and onnxruntime replaces each DQ → op → Q group by one integer kernel (its QDQ selectors):
 * Conv → QLinearConv, Add → QLinearAdd, AveragePool → QLinearAveragePool, Gemm → QGemm,
 * Softmax → QLinearSoftmax; a Relu before a Q whose zero point is 0 is dropped, as the Q
 * clamps the same. Activations stay uint8 with Caffe2's zero points. Weights become int8, the
 * type whose kernels use VNNI on x86: shifted by their zero point (symmetric, zero point 0)
 * where the values allow, else by 128 (zero point − 128); both exactly.
 */
import type onnxProto from 'onnx-proto';
import { ConversionError } from '../errors.js';
import type { Args, OperatorDef } from './caffe2-net.js';
import { type NodeSpec, type TensorData, tensorProto } from './onnx-writer.js';
import type { QuantizedValues } from './weights.js';

/**
 * The Caffe2 ops whose ONNX twin has an integer kernel in onnxruntime's CPU provider (see the
 * module comment); in the int8 graph they read dequantized integers and quantize their output.
 * Int8ConvTranspose has none: it stays float, weights dequantized, output unquantized.
 */
const INTEGER_KERNEL_OPS: ReadonlySet<string> = new Set([
  'Int8Quantize',
  'Int8Conv',
  'Int8ConvRelu',
  'Int8Sum',
  'Int8SumRelu',
  'Int8Add',
  'Int8AddRelu',
  'Int8Relu',
  'Int8AveragePool',
  'Int8MaxPool',
  'Int8FC',
  'Int8Softmax',
]);

/** Whether `op` becomes an integer kernel in the int8 graph. */
export function hasIntegerKernel(op: OperatorDef): boolean {
  return INTEGER_KERNEL_OPS.has(op.type);
}

/** The scale and zero point names of one integer tensor, shared by its Q and DQ nodes. */
interface QdqParams {
  scale: string;
  zeroPoint: string;
}

/** Shifts uint8 weights into int8 without changing any value they stand for. */
function int8Weights(
  values: Uint8Array,
  zeroPoint: number,
): { data: Int8Array; zeroPoint: number } {
  let min = 255;
  let max = 0;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const shift = min - zeroPoint >= -128 && max - zeroPoint <= 127 ? zeroPoint : 128;
  return { data: Int8Array.from(values, (v) => v - shift), zeroPoint: zeroPoint - shift };
}

/**
 * The integer side of one int8 graph: the blobs held as integers, their QuantizeLinear and
 * DequantizeLinear nodes (appended to `nodes` where first needed) and their initializers.
 */
export class QdqGraph {
  /** The blobs held as integers: `<blob>__q` (activations) or `<blob>` (weights). */
  private readonly integers = new Map<string, { name: string; params: QdqParams }>();

  constructor(
    private readonly initializers: Map<string, onnxProto.onnx.ITensorProto>,
    private readonly nodes: NodeSpec[],
  ) {}

  /** The float value consumers of `blob` read: its DequantizeLinear's output, if it has one. */
  dequantized(blob: string): string | undefined {
    return this.integers.has(blob) ? `${blob}__dq` : undefined;
  }

  /**
   * The int8 weight `blob` as an initializer (laid out by `reorder`) and its DequantizeLinear;
   * returns the dequantized name.
   */
  weight(
    blob: string,
    dims: number[],
    weight: QuantizedValues,
    reorder: <T extends TensorData>(t: { dims: number[]; data: T }) => { dims: number[]; data: T },
  ): string {
    if (!this.integers.has(blob)) {
      const { values, scale } = weight;
      // Biases are int32 already; DequantizeLinear wants an int32 zero point for them.
      const shifted =
        values instanceof Uint8Array
          ? int8Weights(values, weight.zeroPoint)
          : { data: values, zeroPoint: weight.zeroPoint };
      const zeroPoint =
        values instanceof Uint8Array
          ? Int8Array.of(shifted.zeroPoint)
          : Int32Array.of(shifted.zeroPoint);
      this.initializers.set(blob, tensorProto(blob, reorder({ dims, data: shifted.data })));
      this.nodes.push(dequantizeNode(blob, this.hold(blob, blob, scale, zeroPoint), `${blob}__dq`));
    }
    return `${blob}__dq`;
  }

  /**
   * After an op that writes the float `blob`: quantizes it with the op's Y_scale and
   * Y_zero_point into `<blob>__q` (uint8) and dequantizes that for the ops that read it.
   * @throws {ConversionError} when the op has no output quantization.
   */
  quantizeOutput(op: OperatorDef, args: Args): void {
    const blob = op.output[0];
    if (!args.has('Y_scale') || !args.has('Y_zero_point')) {
      throw new ConversionError(`${op.type} → ${blob}: no Y_scale and Y_zero_point`);
    }
    const name = `${blob}__q`;
    const zeroPoint = Uint8Array.of(args.int('Y_zero_point'));
    const params = this.hold(blob, name, Math.fround(args.float('Y_scale')), zeroPoint);
    this.nodes.push(
      { opType: 'QuantizeLinear', inputs: [blob, params.scale, params.zeroPoint], outputs: [name] },
      dequantizeNode(name, params, `${blob}__dq`),
    );
  }

  /**
   * Flatten to 2-D of an integer blob: the integers are flattened, then dequantized, so that
   * the Gemm reading the result sees a DequantizeLinear (as onnxruntime's QGemm fusion
   * needs). Null where `blob` is not held as integers.
   */
  flatten(blob: string, output: string): NodeSpec[] | null {
    const held = this.integers.get(blob);
    if (!held) return null;
    return [
      {
        opType: 'Flatten',
        inputs: [held.name],
        outputs: [`${output}__q`],
        attributes: [['axis', { int: 1 }]],
      },
      dequantizeNode(`${output}__q`, held.params, output),
    ];
  }

  /** Records `blob` as held in `name` and adds its scale and zero point initializers. */
  private hold(
    blob: string,
    name: string,
    scale: number,
    zeroPoint: Int8Array | Uint8Array | Int32Array,
  ): QdqParams {
    const params = { scale: `${blob}__scale`, zeroPoint: `${blob}__zero_point` };
    this.initializers.set(
      params.scale,
      tensorProto(params.scale, { dims: [], data: Float32Array.of(scale) }),
    );
    this.initializers.set(
      params.zeroPoint,
      tensorProto(params.zeroPoint, { dims: [], data: zeroPoint }),
    );
    this.integers.set(blob, { name, params });
    return params;
  }
}

function dequantizeNode(input: string, params: QdqParams, output: string): NodeSpec {
  return {
    opType: 'DequantizeLinear',
    inputs: [input, params.scale, params.zeroPoint],
    outputs: [output],
  };
}
