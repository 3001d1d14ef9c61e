/**
 * MaskRCNN2GO's mask head ends in a ConvTranspose that upsamples all 81 class maps from 12×12
 * to 24×24 with a fixed bilinear kernel, then a sigmoid. A detection needs only its own
 * class's map, yet that layer costs a third of the head's time (and 4× its output). So the
 * graph is cut before it when loaded, and the layer's weights are kept to run it in JS for the
 * one class each detection needs (mask-upsample.ts); the numbers are the graph's own.
 * The files on disk are not changed.
 */
import onnxProto from 'onnx-proto';
import { ModelLoadError } from './errors.js';

const { onnx } = onnxProto;

/** A per-class ConvTranspose (ONNX semantics): class c's map is upsampled with `kernels[c]`. */
export interface ClassUpsample {
  classes: number;
  /** Square kernel side. */
  kernel: number;
  stride: number;
  /** Rows and columns cropped from each edge of the full transposed-convolution output. */
  pad: number;
  /** [classes × kernel × kernel]. */
  kernels: Float32Array;
  /** [classes]. */
  bias: Float32Array;
}

export interface DetachedMaskHead {
  /** The mask head graph ending at the logits before the upsampling layer. */
  graph: Uint8Array;
  /** The name of that graph's output. */
  output: string;
  upsample: ClassUpsample;
  /** The graph quantizes (QDQ, an int8 conversion) rather than running float throughout. */
  quantized: boolean;
}

/**
 * Cuts the final ConvTranspose (and the Identity/Sigmoid nodes after it) off a mask head
 * graph. Throws ModelLoadError when the graph does not end that way or when the layer mixes
 * classes (a kernel between two different classes that is not zero).
 */
export function detachMaskUpsample(model: Uint8Array, source: string): DetachedMaskHead {
  const fail = (why: string) =>
    new ModelLoadError(`${source}: cannot detach the mask upsampling layer: ${why}`);
  const proto = onnx.ModelProto.decode(model);
  // Decoded messages are class instances whose repeated fields default to [].
  const graph = proto.graph as onnxProto.onnx.GraphProto | null;
  if (!graph) throw fail('no graph');
  const at = graph.node.findLastIndex((n) => n.opType === 'ConvTranspose');
  if (at < 0) throw fail('no ConvTranspose');
  const tail = graph.node.slice(at + 1).map((n) => n.opType);
  if (!tail.every((op) => op === 'Identity' || op === 'Sigmoid') || !tail.includes('Sigmoid')) {
    throw fail(`the ConvTranspose is followed by ${tail.join(', ')}, not a sigmoid`);
  }
  const layer = graph.node[at] as onnxProto.onnx.NodeProto;
  const [input, weightName, biasName] = layer.input;
  const weights = floatInitializer(graph, weightName);
  const [inC, outC, kh, kw] = weights.dims;
  const ints = (name: string) =>
    layer.attribute.find((a) => a.name === name)?.ints?.map(Number) ?? [];
  const strides = ints('strides');
  const pads = ints('pads');
  if (inC !== outC || kh !== kw || new Set(strides).size !== 1 || new Set(pads).size > 1) {
    throw fail(`unexpected ConvTranspose shape ${weights.dims} strides ${strides} pads ${pads}`);
  }
  if (ints('group').some((g) => g !== 1) || ints('dilations').some((d) => d !== 1)) {
    throw fail('grouped or dilated ConvTranspose');
  }

  const area = kh * kw;
  const kernels = new Float32Array(inC * area);
  for (let i = 0; i < inC; i++) {
    for (let o = 0; o < outC; o++) {
      const block = weights.data.subarray((i * outC + o) * area, (i * outC + o + 1) * area);
      if (i === o) kernels.set(block, i * area);
      else if (block.some((v) => v !== 0)) throw fail(`class ${i} feeds class ${o}`);
    }
  }
  const bias = biasName ? floatInitializer(graph, biasName).data : new Float32Array(outC);

  graph.node = graph.node.slice(0, at);
  graph.output = [
    onnx.ValueInfoProto.create({ name: input, type: { tensorType: { elemType: 1 } } }),
  ];
  graph.initializer = graph.initializer.filter((t) => t.name !== weightName && t.name !== biasName);
  return {
    graph: onnx.ModelProto.encode(proto).finish(),
    output: input,
    upsample: {
      classes: inC,
      kernel: kh,
      stride: strides[0] ?? 1,
      pad: pads[0] ?? 0,
      kernels,
      bias,
    },
    quantized: quantizes(graph),
  };
}

/** Whether a graph quantizes between layers (QDQ, an int8 conversion) rather than running float. */
export function quantizes(graph: onnxProto.onnx.IGraphProto): boolean {
  return graph.node?.some((n) => n.opType === 'QuantizeLinear') ?? false;
}

function floatInitializer(
  graph: onnxProto.onnx.IGraphProto,
  name: string,
): { dims: number[]; data: Float32Array } {
  const tensor = graph.initializer?.find((t) => t.name === name);
  if (!tensor) throw new ModelLoadError(`initializer ${name} is missing`);
  const dims = (tensor.dims ?? []).map(Number);
  // ONNX stores raw_data little-endian, as x64 and arm64 are. The bytes are a view into the
  // whole file (a Buffer, whose slice() would not copy): copy them out, aligned.
  const data = tensor.rawData?.length
    ? new Float32Array(new Uint8Array(tensor.rawData).buffer)
    : Float32Array.from(tensor.floatData ?? []);
  if (data.length !== dims.reduce((a, b) => a * b, 1)) {
    throw new ModelLoadError(`initializer ${name} holds ${data.length} floats for dims ${dims}`);
  }
  return { dims, data };
}
