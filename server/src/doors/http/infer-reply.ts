import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { rawTensor } from '../open-inference/binary-data.js';
import type { InferResponse, OutputTensor } from '../open-inference/infer.js';
import type { OutputName } from '../open-inference/signature.js';

/** BYTES outputs that hold binary data, sent as base64 in JSON; the others are UTF-8 text. */
const BASE64_IN_JSON: ReadonlySet<OutputName> = new Set(['composite']);

/**
 * Sends an inference response as the protocol's JSON, or, when any output is wanted binary, as a
 * JSON header (its length in `Inference-Header-Content-Length`) followed by those outputs' bytes
 * in order, each declared by its `binary_data_size`, in the protocol's raw layout.
 */
export function sendInferResponse(
  reply: FastifyReply,
  response: InferResponse,
  binaryOutput: (name: string) => boolean,
): FastifyReply {
  const parts: Buffer[] = [];
  const outputs = response.outputs.map((tensor) => {
    const { name, datatype, shape } = tensor;
    if (!binaryOutput(name)) return { name, datatype, shape, data: jsonData(tensor) };
    const raw = rawTensor(tensor);
    parts.push(raw);
    return { name, datatype, shape, parameters: { binary_data_size: raw.length } };
  });
  const json = { ...response, outputs };
  if (!response.outputs.some((tensor) => binaryOutput(tensor.name))) return reply.send(json);
  const header = Buffer.from(JSON.stringify(json));
  const length = parts.reduce((sum, part) => sum + part.length, header.length);
  return reply
    .type('application/octet-stream')
    .header('inference-header-content-length', String(header.length))
    .header('content-length', String(length))
    .send(Readable.from([header, ...parts]));
}

function jsonData(tensor: OutputTensor): (number | string)[] {
  if (tensor.datatype !== 'BYTES') return Array.from(tensor.data);
  const encoding = BASE64_IN_JSON.has(tensor.name) ? 'base64' : 'utf8';
  return tensor.data.map((element) => bufferOf(element).toString(encoding));
}

function bufferOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}
