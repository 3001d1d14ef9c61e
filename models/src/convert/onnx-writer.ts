/**
 * The small slice of ONNX the converter writes: nodes with typed attributes, float
 * initializers and typed graph inputs and outputs, encoded with the onnx-proto package.
 */
import { endianness } from 'node:os';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** An attribute value; the ONNX attribute type follows from which field is set. */
export type AttributeValue =
  | { ints: number[] }
  | { int: number }
  | { float: number }
  | { string: string };

/** One ONNX node before numbering; attributes keep the order given. */
export interface NodeSpec {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes?: [name: string, value: AttributeValue][];
}

/** An initializer's values: float weights and scales, int8 weights, uint8 zero points, int32 biases. */
export type TensorData = Float32Array | Int8Array | Uint8Array | Int32Array;

/** A float tensor in ONNX (NCHW) layout. */
export interface FloatTensor {
  dims: number[];
  data: Float32Array;
}

/** A graph input or output: name, element type and shape (numbers or symbolic names). */
export interface TensorSignature {
  name: string;
  elemType: 'float' | 'int64';
  shape: (number | string)[];
}

const ELEM_TYPE = {
  float: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
};

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if ('ints' in value) return { name, ints: value.ints, type: AttributeType.INTS };
  if ('int' in value) return { name, i: value.int, type: AttributeType.INT };
  if ('float' in value) return { name, f: value.float, type: AttributeType.FLOAT };
  return { name, s: Buffer.from(value.string, 'utf8'), type: AttributeType.STRING };
}

/** Nodes are named `<OpType>_<n>`, numbered from 1 in graph order. */
export function nodeProto(spec: NodeSpec, index: number): onnxProto.onnx.INodeProto {
  return {
    input: spec.inputs,
    output: spec.outputs,
    name: `${spec.opType}_${index + 1}`,
    opType: spec.opType,
    attribute: (spec.attributes ?? []).map(([name, value]) => attribute(name, value)),
  };
}

function dataType(data: TensorData): onnxProto.onnx.TensorProto.DataType {
  const { DataType } = onnx.TensorProto;
  if (data instanceof Float32Array) return DataType.FLOAT;
  if (data instanceof Int8Array) return DataType.INT8;
  if (data instanceof Uint8Array) return DataType.UINT8;
  return DataType.INT32;
}

/** An initializer stored as raw little-endian bytes; `dims` [] is a scalar. */
export function tensorProto(
  name: string,
  tensor: { dims: number[]; data: TensorData },
): onnxProto.onnx.ITensorProto {
  if (endianness() !== 'LE') throw new Error('ONNX raw_data is little-endian; this host is not');
  const { data } = tensor;
  return {
    dims: tensor.dims,
    dataType: dataType(data),
    name,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}

/** A graph input or output with its tensor type. */
export function valueInfoProto(signature: TensorSignature): onnxProto.onnx.IValueInfoProto {
  return {
    name: signature.name,
    type: {
      tensorType: {
        elemType: ELEM_TYPE[signature.elemType],
        shape: {
          dim: signature.shape.map((d) =>
            typeof d === 'number' ? { dimValue: d } : { dimParam: d },
          ),
        },
      },
    },
  };
}

/** What a model file says about where it came from. */
export interface ModelOrigin {
  producerName: string;
  producerVersion: string;
  opsetVersion: number;
}

/** Encodes a complete model: IR version 8 (ONNX 1.10+), one default-domain opset. */
export function encodeModel(graph: onnxProto.onnx.IGraphProto, origin: ModelOrigin): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: origin.opsetVersion }],
    producerName: origin.producerName,
    producerVersion: origin.producerVersion,
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
