import { BadRequestError, type DetectedInstance } from '@maskrcnn-zmq/shared';
import type { JobPool } from '../../jobs/job-pool.js';
import { readImageArgument } from '../../methods/image-argument.js';
import { inferenceOptionsOf, readOptions } from '../../methods/inference-options.js';
import type { CallContext } from '../../methods/method.js';
import { classNamesIn, knownKeys } from '../../methods/validate.js';
import {
  DEFAULT_OUTPUTS,
  IMAGE_INPUT,
  MODEL_NAME,
  OUTPUTS,
  type OutputName,
  PARAMETERS,
} from './signature.js';

/**
 * One input tensor as a door read it. BYTES elements are raw bytes (the binary data extension,
 * gRPC's `raw_input_contents`) or text (JSON's strings: base64 of the image).
 */
export interface InferInput {
  name: string;
  datatype: string;
  shape: readonly number[];
  data: readonly (Uint8Array | string)[];
}

export type ParameterValue = boolean | number | string;

/** An inference request in the protocol's terms, whatever wire it came over. */
export interface InferRequest {
  id?: string;
  inputs: readonly InferInput[];
  /** The request's parameters: the detect options under their protocol names (`PARAMETERS`). */
  parameters?: Readonly<Record<string, ParameterValue>>;
  /** The outputs wanted, by name; all but `composite` when absent. */
  outputs?: readonly string[];
}

export type OutputTensor =
  | { name: OutputName; datatype: 'FP32'; shape: number[]; data: Float32Array }
  | { name: OutputName; datatype: 'INT32'; shape: number[]; data: Int32Array }
  | { name: OutputName; datatype: 'BYTES'; shape: number[]; data: Uint8Array[] };

export interface InferResponse {
  model_name: string;
  model_version: string;
  id?: string;
  outputs: OutputTensor[];
}

/** The composite's encoding: the same default as `getMask`. */
const COMPOSITE_ENCODING = { format: 'jpeg', quality: 85 } as const;

/**
 * Runs one Open Inference request on the pool, as `detect` would (the same options, limits and
 * errors), and lays the detections out as the model's output tensors.
 * @throws {BadRequestError} for an input, parameter or output the model does not have; any error
 *   `detect` throws.
 */
export async function infer(
  pool: JobPool,
  request: InferRequest,
  context: CallContext,
): Promise<InferResponse> {
  const image = readImageInput(request.inputs);
  const wanted = readOutputNames(request.outputs);
  const options = readOptions(
    readParameters(request.parameters ?? {}),
    Object.values(PARAMETERS),
    context,
  );
  const inference = inferenceOptionsOf(options, pool.model.classes);
  inference.masks &&= wanted.has('masks') || wanted.has('composite');
  const output = await pool.run(
    {
      type: 'detect',
      image,
      inference,
      composite: wanted.has('composite') ? COMPOSITE_ENCODING : undefined,
      rle: wanted.has('masks'),
    },
    context,
  );
  const tensors = outputTensors(output.result.instances, output.composite);
  return {
    model_name: MODEL_NAME,
    model_version: '1',
    ...(request.id ? { id: request.id } : {}),
    outputs: tensors.filter(
      (tensor) => wanted.has(tensor.name) && (tensor.name !== 'masks' || inference.masks),
    ),
  };
}

function readImageInput(inputs: readonly InferInput[]): Uint8Array | string {
  const expected = `one input, '${IMAGE_INPUT.name}' (BYTES, shape [1]: an encoded JPEG, PNG or WebP)`;
  if (inputs.length !== 1) {
    throw new BadRequestError(`Expected ${expected} but received ${inputs.length} inputs`);
  }
  const [input] = inputs;
  if (input.name !== IMAGE_INPUT.name) {
    throw new BadRequestError(`Expected ${expected} but received an input named '${input.name}'`);
  }
  if (input.datatype !== IMAGE_INPUT.datatype) {
    throw new BadRequestError(`Expected ${expected} but received datatype ${input.datatype}`);
  }
  if (input.shape.length !== 1 || input.shape[0] !== 1 || input.data.length !== 1) {
    throw new BadRequestError(
      `Expected ${expected} but received shape [${input.shape.join(', ')}] with ${input.data.length} elements`,
    );
  }
  return readImageArgument(input.data[0]);
}

function readOutputNames(names: readonly string[] | undefined): Set<OutputName> {
  if (names === undefined || names.length === 0) return new Set(DEFAULT_OUTPUTS);
  const known = OUTPUTS.map((output) => output.name);
  for (const name of names) {
    if (!known.includes(name as OutputName)) {
      throw new BadRequestError(`Unknown output '${name}'; expected some of: ${known.join(', ')}`);
    }
  }
  return new Set(names as OutputName[]);
}

/**
 * The parameters as `detect`'s options, so both read and check them with the same code.
 * Parameters are scalars: the classes come as one comma-separated string. Numbers and booleans
 * may come as text too: KServe's own `.proto` has no `double_param`, so its clients can send a
 * fractional `score_threshold` only as a `string_param`.
 */
function readParameters(parameters: Readonly<Record<string, ParameterValue>>) {
  knownKeys(parameters, Object.keys(PARAMETERS));
  const options: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(PARAMETERS)) {
    const value = parameters[name];
    if (value === undefined) continue;
    options[option] = typeof value === 'string' ? fromText(name, value) : value;
  }
  return options;
}

function fromText(name: string, text: string): unknown {
  if (name === 'classes') return classNamesIn(text);
  if (name === 'masks') return text === 'true' ? true : text === 'false' ? false : text;
  const number = text.trim() === '' ? Number.NaN : Number(text);
  // Text that is no number stays text, and the option's check refuses it by name.
  return Number.isFinite(number) ? number : text;
}

function outputTensors(
  instances: readonly DetectedInstance[],
  composite: Uint8Array | undefined,
): OutputTensor[] {
  const n = instances.length;
  const encoder = new TextEncoder();
  return [
    {
      name: 'boxes',
      datatype: 'FP32',
      shape: [n, 4],
      data: Float32Array.from(instances.flatMap((instance) => instance.box)),
    },
    {
      name: 'scores',
      datatype: 'FP32',
      shape: [n],
      data: Float32Array.from(instances, (instance) => instance.score),
    },
    {
      name: 'class_ids',
      datatype: 'INT32',
      shape: [n],
      data: Int32Array.from(instances, (instance) => instance.classId),
    },
    {
      name: 'labels',
      datatype: 'BYTES',
      shape: [n],
      data: instances.map((instance) => encoder.encode(instance.label)),
    },
    {
      name: 'masks',
      datatype: 'BYTES',
      shape: [n],
      data: instances.map((instance) => encoder.encode(JSON.stringify(instance.mask ?? null))),
    },
    {
      name: 'composite',
      datatype: 'BYTES',
      shape: [composite ? 1 : 0],
      data: composite ? [composite] : [],
    },
  ];
}
