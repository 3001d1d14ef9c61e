/**
 * The two forms a converted model comes in. `float`: every weight dequantized, float32 from
 * input to output (the reference conversion). `int8`: QDQ graphs that keep the Caffe2 int8
 * net's own scales and zero points, which onnxruntime runs with integer kernels on CPU.
 */
export const PRECISIONS = ['float', 'int8'] as const;

export type Precision = (typeof PRECISIONS)[number];
