import { BadRequestError } from '@maskrcnn-zmq/shared';
import { invalidParameter } from '../../methods/validate.js';
import { bytesElements } from '../open-inference/binary-data.js';
import type { InferInput, InferRequest, ParameterValue } from '../open-inference/infer.js';

/** An Open Inference REST request, read: the door-neutral request and the outputs wanted as binary. */
export interface RestInferRequest {
  request: InferRequest;
  /** Whether output `name` goes back as binary data (the binary tensor data extension). */
  binaryOutput(name: string): boolean;
}

type Json = Record<string, unknown>;

/**
 * Reads the body of `POST /v2/models/…/infer`: the protocol's JSON, or, when
 * `Inference-Header-Content-Length` is given, a JSON header of that many bytes followed by the
 * binary data of the inputs that declare a `binary_data_size`, in their order, in the protocol's
 * raw layout (`binary-data.ts`). Binary elements are views of `body`: the image is not copied.
 * @throws {BadRequestError} for a header length, JSON or binary layout that does not add up.
 */
export function readInferRequest(body: Buffer, headerLength: string | undefined): RestInferRequest {
  const jsonBytes = headerLength === undefined ? body.length : jsonLengthOf(headerLength, body);
  const json = parseJson(body.subarray(0, jsonBytes));
  const binary = body.subarray(jsonBytes);
  const tensors = arrayOf(json.inputs, 'inputs').map((input, index) =>
    objectOf(input, `inputs[${index}]`),
  );
  // Where each binary input's bytes lie, checked to add up before any is read.
  let offset = 0;
  const slices = tensors.map((tensor, index) => {
    const size = tensor.parameters && objectOf(tensor.parameters, 'parameters').binary_data_size;
    if (size === undefined) return undefined;
    if (!Number.isSafeInteger(size) || (size as number) < 0) {
      throw invalidParameter(`inputs[${index}].parameters.binary_data_size`, 'a byte count', size);
    }
    offset += size as number;
    return binary.subarray(offset - (size as number), offset);
  });
  if (offset !== binary.length) {
    throw new BadRequestError(
      `inputs declare ${offset} bytes of binary data, but ${binary.length} bytes follow the JSON header`,
    );
  }
  const inputs = tensors.map((tensor, index) => {
    const slice = slices[index];
    return slice ? binaryInput(tensor, index, slice) : jsonInput(tensor, index);
  });
  const { binary_data_output: allBinary = false, ...parameters } = objectOf(
    json.parameters ?? {},
    'parameters',
  );
  const outputs = arrayOf(json.outputs ?? [], 'outputs').map((output, index) =>
    objectOf(output, `outputs[${index}]`),
  );
  const binaryByName = new Map(
    outputs.map((output) => [
      output.name,
      output.parameters === undefined
        ? undefined
        : objectOf(output.parameters, 'parameters').binary_data,
    ]),
  );
  return {
    request: {
      id: typeof json.id === 'string' ? json.id : undefined,
      inputs,
      parameters: parameters as Record<string, ParameterValue>,
      outputs: outputs.map((output, index) => stringOf(output.name, `outputs[${index}].name`)),
    },
    binaryOutput: (name) => (binaryByName.get(name) ?? allBinary) === true,
  };
}

function jsonLengthOf(header: string, body: Buffer): number {
  const length = /^\d{1,15}$/.test(header) ? Number(header) : Number.NaN;
  if (!(length <= body.length)) {
    throw new BadRequestError(
      `Expected a byte count within the body's ${body.length} bytes for the Inference-Header-Content-Length header but received '${header.slice(0, 20)}'`,
    );
  }
  return length;
}

function parseJson(bytes: Buffer): Json {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new BadRequestError(`the inference request is not JSON: ${(error as Error).message}`);
  }
  return objectOf(json, 'the inference request');
}

function jsonInput(tensor: Json, index: number): InferInput {
  const data = arrayOf(tensor.data, `inputs[${index}].data`).flat(Number.POSITIVE_INFINITY);
  return { ...tensorHead(tensor, index), data: data as (string | Uint8Array)[] };
}

function binaryInput(tensor: Json, index: number, bytes: Buffer): InferInput {
  const head = tensorHead(tensor, index);
  const count = head.shape.reduce((product, dimension) => product * dimension, 1);
  const data =
    head.datatype === 'BYTES' ? bytesElements(bytes, count, `inputs[${index}]`) : [bytes];
  return { ...head, data };
}

function tensorHead(tensor: Json, index: number) {
  const shape = arrayOf(tensor.shape, `inputs[${index}].shape`);
  if (!shape.every((dimension) => Number.isSafeInteger(dimension))) {
    throw invalidParameter(`inputs[${index}].shape`, 'an array of integers', shape);
  }
  return {
    name: stringOf(tensor.name, `inputs[${index}].name`),
    datatype: stringOf(tensor.datatype, `inputs[${index}].datatype`),
    shape: shape as number[],
  };
}

function objectOf(value: unknown, what: string): Json {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
  throw invalidParameter(what, 'a JSON object', value);
}

function arrayOf(value: unknown, what: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw invalidParameter(what, 'an array', value);
}

function stringOf(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  throw invalidParameter(what, 'a string', value);
}
