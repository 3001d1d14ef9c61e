/**
 * The forms a converted model comes in.
 * - `float`: every weight dequantized, float32 from input to output (the reference conversion).
 * - `int8`: every graph QDQ, keeping the Caffe2 int8 net's own scales and zero points, which
 *   onnxruntime runs with integer kernels on CPU.
 * - `int8-heads`: the box and mask heads as in `int8`, the backbone as in `float`. Measured on
 *   coco128, the backbone's int8 rounding is what costs `int8` its 0.8 mask AP, while the heads
 *   are where the integer kernels save time: this form keeps float's AP.
 */
export const PRECISIONS = ['float', 'int8', 'int8-heads'] as const;

export type Precision = (typeof PRECISIONS)[number];

/** What one graph is built in. */
export type GraphPrecision = 'float' | 'int8';

/** What a graph of `part` is built in, in a model of `precision`. */
export function graphPrecision(precision: Precision, part: 'backbone' | 'head'): GraphPrecision {
  if (precision === 'float' || (precision === 'int8-heads' && part === 'backbone')) return 'float';
  return 'int8';
}
