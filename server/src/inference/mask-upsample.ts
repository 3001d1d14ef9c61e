import type { ClassUpsample } from './mask-head-graph.js';

/**
 * Runs the mask head's detached last layer for one class: a transposed convolution of the
 * `side` × `side` logit map at `at` in `logits` (ONNX ConvTranspose: out = (in − 1) · stride
 * − 2 · pad + kernel), then a sigmoid. Returns the probability map, row-major, and its side.
 */
export function upsampleClassMap(
  logits: Float32Array,
  at: number,
  side: number,
  classId: number,
  up: ClassUpsample,
): { probs: Float32Array; side: number } {
  const { kernel, stride, pad } = up;
  const outSide = (side - 1) * stride - 2 * pad + kernel;
  const k = up.kernels.subarray(classId * kernel * kernel, (classId + 1) * kernel * kernel);
  const acc = new Float32Array(outSide * outSide).fill(up.bias[classId]);
  // Scatter each input pixel through the kernel, skipping what the padding crops.
  for (let iy = 0; iy < side; iy++) {
    for (let ix = 0; ix < side; ix++) {
      const v = logits[at + iy * side + ix];
      for (let ky = 0; ky < kernel; ky++) {
        const oy = iy * stride - pad + ky;
        if (oy < 0 || oy >= outSide) continue;
        for (let kx = 0; kx < kernel; kx++) {
          const ox = ix * stride - pad + kx;
          if (ox >= 0 && ox < outSide) acc[oy * outSide + ox] += v * k[ky * kernel + kx];
        }
      }
    }
  }
  for (let i = 0; i < acc.length; i++) acc[i] = 1 / (1 + Math.exp(-acc[i]));
  return { probs: acc, side: outSide };
}
