/**
 * One ONNX graph cut out of a Caffe2 net. A cut is given by its inputs and outputs as Caffe2
 * blobs; the graph holds exactly the operators that lie between them, in the net's order,
 * with the weights they use as initializers in order of first use. At int8 precision the ops
 * with integer kernels read and write integers through QDQ nodes (qdq.ts); the rest is the
 * float graph.
 */
import type onnxProto from 'onnx-proto';
import { ConversionError } from '../errors.js';
import type { GraphPrecision } from '../precision.js';
import { Args, type NetDef, type OperatorDef } from './caffe2-net.js';
import {
  type NodeSpec,
  nodeProto,
  type TensorData,
  type TensorSignature,
  tensorProto,
  valueInfoProto,
} from './onnx-writer.js';
import { convertOp, type OpContext } from './ops.js';
import { hasIntegerKernel, QdqGraph } from './qdq.js';
import { nhwcKernelToNchw, type Weight } from './weights.js';

/** A graph input or output and the Caffe2 blob it stands for. */
export interface BoundaryTensor extends TensorSignature {
  /** The blob; null for an input that has none in Caffe2 (the RoI batch index). */
  blob: string | null;
}

/** Where to cut one graph out of the net. */
export interface GraphCut {
  name: string;
  inputs: BoundaryTensor[];
  outputs: BoundaryTensor[];
}

/** The ops needed to compute `outputs` from `inputs`, as indices into `net.op`, in order. */
function opsBetween(net: NetDef, cut: GraphCut, weights: ReadonlyMap<string, Weight>): number[] {
  const producer = new Map<string, number>();
  net.op.forEach((op, index) => {
    for (const blob of op.output) {
      if (producer.has(blob)) {
        throw new ConversionError(`${blob} is written twice; in-place nets are not supported`);
      }
      producer.set(blob, index);
    }
  });
  const given = new Set(cut.inputs.flatMap((i) => (i.blob ? [i.blob] : [])));
  const needed = new Set<number>();
  const pending = cut.outputs.map((o) => o.blob as string);
  while (pending.length > 0) {
    const blob = pending.pop() as string;
    if (given.has(blob) || weights.has(blob)) continue;
    const index = producer.get(blob);
    if (index === undefined) {
      throw new ConversionError(`${cut.name}: ${blob} is neither produced, an input, nor a weight`);
    }
    if (needed.has(index)) continue;
    needed.add(index);
    pending.push(...net.op[index].input);
  }
  return [...needed].sort((a, b) => a - b);
}

const asIs = <T extends TensorData>(tensor: { dims: number[]; data: T }) => tensor;

/**
 * Builds the GraphProto of `cut`: converted nodes, then an Identity for each output whose
 * ONNX name differs from its blob's.
 * @throws {ConversionError} when the cut is not closed or an op has no ONNX form.
 */
export function buildGraph(
  net: NetDef,
  weights: ReadonlyMap<string, Weight>,
  cut: GraphCut,
  precision: GraphPrecision,
): onnxProto.onnx.IGraphProto {
  const renamed = new Map(cut.inputs.flatMap((i) => (i.blob ? [[i.blob, i.name] as const] : [])));
  const batchIndex = cut.inputs.find((i) => i.blob === null && i.elemType === 'int64');
  const initializers = new Map<string, onnxProto.onnx.ITensorProto>();
  const nodes: NodeSpec[] = [];
  const qdq = precision === 'int8' ? new QdqGraph(initializers, nodes) : null;
  let current: OperatorDef | undefined;
  /** The op being converted runs as an integer kernel. */
  let integer = false;

  const ctx: OpContext = {
    weight(blob, layout) {
      const tensor = weights.get(blob);
      if (!tensor)
        throw new ConversionError(`${current?.type} → ${current?.output[0]}: no weight ${blob}`);
      const reorder = layout === 'nhwc-kernel' ? nhwcKernelToNchw : asIs;
      if (integer && qdq && tensor.quantized) {
        return qdq.weight(blob, tensor.dims, tensor.quantized, reorder);
      }
      if (!initializers.has(blob)) initializers.set(blob, tensorProto(blob, reorder(tensor)));
      return blob;
    },
    value: (blob) => qdq?.dequantized(blob) ?? renamed.get(blob) ?? blob,
    flatten: (blob, output) =>
      qdq?.flatten(blob, output) ?? [
        {
          opType: 'Flatten',
          inputs: [ctx.value(blob)],
          outputs: [output],
          attributes: [['axis', { int: 1 }]],
        },
      ],
    batchIndex(rois) {
      if (!batchIndex || !renamed.has(rois)) {
        throw new ConversionError(
          `${cut.name}: RoIAlign needs rois ${rois} and a batch index as inputs`,
        );
      }
      return batchIndex.name;
    },
  };

  for (const index of opsBetween(net, cut, weights)) {
    current = net.op[index];
    integer = qdq !== null && hasIntegerKernel(current);
    nodes.push(...convertOp(current, ctx));
    if (integer) qdq?.quantizeOutput(current, new Args(current));
  }
  for (const output of cut.outputs) {
    const blob = output.blob as string;
    if (ctx.value(blob) !== output.name) {
      nodes.push({ opType: 'Identity', inputs: [ctx.value(blob)], outputs: [output.name] });
    }
  }
  return {
    node: nodes.map(nodeProto),
    name: cut.name,
    initializer: [...initializers.values()],
    input: cut.inputs.map(valueInfoProto),
    output: cut.outputs.map(valueInfoProto),
  };
}
