/**
 * The init net's weights. An int8 model stores each weight as integers with a scale and zero
 * point (real = (q - zero_point) * scale): a float graph takes every weight dequantized once
 * here, an int8 graph the integers themselves. Biases are int32 with zero point 0 and the
 * scale of input × weight, which the same formula covers.
 */
import { ConversionError } from '../errors.js';
import { Args, type NetDef } from './caffe2-net.js';
import type { FloatTensor, TensorData } from './onnx-writer.js';

/** A weight's integers as Caffe2 stores them: uint8 values, or int32 for biases. */
export interface QuantizedValues {
  values: Uint8Array | Int32Array;
  scale: number;
  zeroPoint: number;
}

/** A weight, dequantized, with its integers where the init net stores it int8. */
export interface Weight extends FloatTensor {
  quantized: QuantizedValues | null;
}

function dequantize(values: ArrayLike<number>, scale: number, zeroPoint: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i] - zeroPoint) * scale;
  return out;
}

/**
 * Every blob the init net fills, by name, in Caffe2's own layout (int8 kernels stay NHWC:
 * [out, kH, kW, in]; the op that uses one knows its layout and reorders it).
 * @throws {ConversionError} on a fill operator other than the float and int8 ones.
 */
export function loadWeights(init: NetDef): Map<string, Weight> {
  const weights = new Map<string, Weight>();
  for (const op of init.op) {
    const args = new Args(op);
    const dims = args.ints('shape');
    let data: Float32Array;
    let quantized: QuantizedValues | null = null;
    switch (op.type) {
      case 'GivenTensorFill':
        data = Float32Array.from(args.floats('values'));
        break;
      case 'Int8GivenTensorFill':
      case 'Int8GivenIntTensorFill': {
        // Int8GivenTensorFill's values are uint8 bytes; Math.fround keeps the scale a float32,
        // as Caffe2 has it.
        quantized = {
          values:
            op.type === 'Int8GivenTensorFill'
              ? Uint8Array.from(args.bytes('values'))
              : Int32Array.from(args.ints('values')),
          scale: Math.fround(args.float('Y_scale')),
          zeroPoint: args.int('Y_zero_point'),
        };
        data = dequantize(quantized.values, quantized.scale, quantized.zeroPoint);
        break;
      }
      default:
        throw new ConversionError(`init net: cannot read ${op.type} → ${op.output[0]}`);
    }
    const count = dims.reduce((a, b) => a * b, 1);
    if (data.length !== count) {
      throw new ConversionError(
        `init net: ${op.output[0]} has ${data.length} values for shape [${dims.join(', ')}]`,
      );
    }
    weights.set(op.output[0], { dims, data, quantized });
  }
  return weights;
}

/** Reorders a 4-D kernel from Caffe2's NHWC [a, kH, kW, b] to ONNX's [a, b, kH, kW]. */
export function nhwcKernelToNchw<T extends TensorData>(tensor: {
  dims: number[];
  data: T;
}): { dims: number[]; data: T } {
  if (tensor.dims.length !== 4) return tensor;
  const [a, h, w, b] = tensor.dims;
  const src = tensor.data;
  const out = src.slice() as T;
  for (let i = 0; i < a; i++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let j = 0; j < b; j++)
          out[((i * b + j) * h + y) * w + x] = src[((i * h + y) * w + x) * b + j];
  return { dims: [a, b, h, w], data: out };
}
