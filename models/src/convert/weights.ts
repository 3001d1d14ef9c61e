/**
 * The init net's weights as float32. An int8 model stores each weight as integers with a
 * scale and zero point (real = (q - zero_point) * scale); the ONNX graphs are float, so every
 * weight is dequantized once here. Biases are int32 with zero point 0 and the scale of
 * input × weight, which the same formula covers.
 */
import { ConversionError } from '../errors.js';
import { Args, type NetDef } from './caffe2-net.js';
import type { FloatTensor } from './onnx-writer.js';

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
export function loadWeights(init: NetDef): Map<string, FloatTensor> {
  const weights = new Map<string, FloatTensor>();
  for (const op of init.op) {
    const args = new Args(op);
    const dims = args.ints('shape');
    let data: Float32Array;
    switch (op.type) {
      case 'GivenTensorFill':
        data = Float32Array.from(args.floats('values'));
        break;
      case 'Int8GivenTensorFill':
        // The values are uint8 bytes; Math.fround keeps the scale a float32, as Caffe2 has it.
        data = dequantize(
          args.bytes('values'),
          Math.fround(args.float('Y_scale')),
          args.int('Y_zero_point'),
        );
        break;
      case 'Int8GivenIntTensorFill':
        data = dequantize(
          args.ints('values'),
          Math.fround(args.float('Y_scale')),
          args.int('Y_zero_point'),
        );
        break;
      default:
        throw new ConversionError(`init net: cannot read ${op.type} → ${op.output[0]}`);
    }
    const count = dims.reduce((a, b) => a * b, 1);
    if (data.length !== count) {
      throw new ConversionError(
        `init net: ${op.output[0]} has ${data.length} values for shape [${dims.join(', ')}]`,
      );
    }
    weights.set(op.output[0], { dims, data });
  }
  return weights;
}

/** Reorders a 4-D kernel from Caffe2's NHWC [a, kH, kW, b] to ONNX's [a, b, kH, kW]. */
export function nhwcKernelToNchw(tensor: FloatTensor): FloatTensor {
  if (tensor.dims.length !== 4) return tensor;
  const [a, h, w, b] = tensor.dims;
  const out = new Float32Array(tensor.data.length);
  const src = tensor.data;
  for (let i = 0; i < a; i++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let j = 0; j < b; j++)
          out[((i * b + j) * h + y) * w + x] = src[((i * h + y) * w + x) * b + j];
  return { dims: [a, b, h, w], data: out };
}
