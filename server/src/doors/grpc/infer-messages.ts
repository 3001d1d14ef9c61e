import { BadRequestError } from '@maskrcnn-zmq/shared';
import { bytesElements, rawTensor } from '../open-inference/binary-data.js';
import type {
  InferInput,
  InferRequest,
  InferResponse,
  ParameterValue,
} from '../open-inference/infer.js';
import type {
  InferInputTensor,
  ModelInferRequest,
  ModelInferResponse,
  Parameters,
} from './service-definition.js';

/**
 * `ModelInferRequest` → the door-neutral {@link InferRequest}. Image bytes stay views into the
 * received message.
 * @throws {BadRequestError} for raw contents that do not match the inputs, or tensor parameters
 *   (this model reads none).
 */
export function inferRequestOf(message: ModelInferRequest): InferRequest {
  const raw = message.raw_input_contents;
  if (raw.length > 0 && raw.length !== message.inputs.length) {
    throw new BadRequestError(
      `Expected one raw_input_contents entry per input (${message.inputs.length}) but received ${raw.length}`,
    );
  }
  return {
    id: message.id,
    inputs: message.inputs.map((input, index) => inputOf(input, raw[index])),
    parameters: parameterValues(message.parameters),
    outputs: message.outputs.map((output) => {
      noParameters(output.parameters, `output '${output.name}'`);
      return output.name;
    }),
  };
}

/** The door-neutral {@link InferResponse} → `ModelInferResponse`, every output in raw form. */
export function inferResponseMessage(response: InferResponse): ModelInferResponse {
  return {
    model_name: response.model_name,
    model_version: response.model_version,
    id: response.id ?? '',
    outputs: response.outputs.map(({ name, datatype, shape }) => ({ name, datatype, shape })),
    raw_output_contents: response.outputs.map(rawTensor),
  };
}

function inputOf(input: InferInputTensor, raw: Buffer | undefined): InferInput {
  const { name, datatype, shape, contents } = input;
  noParameters(input.parameters, `input '${name}'`);
  if (raw !== undefined && contents !== null) {
    throw new BadRequestError(
      `Input '${name}' has both contents and raw_input_contents; send one of them`,
    );
  }
  const count = shape.reduce((product, size) => product * size, 1);
  const data =
    raw === undefined
      ? (contents?.bytes_contents ?? [])
      : datatype === 'BYTES'
        ? bytesElements(raw, count, `input '${name}'`)
        : [raw];
  return { name, datatype, shape, data };
}

function parameterValues(parameters: Parameters): Record<string, ParameterValue> | undefined {
  const entries = Object.entries(parameters);
  if (entries.length === 0) return undefined;
  const values: Record<string, ParameterValue> = {};
  for (const [name, parameter] of entries) {
    const choice = parameter.parameter_choice;
    const value = choice === undefined ? undefined : parameter[choice];
    if (value === undefined) {
      throw new BadRequestError(`Parameter '${name}' has no value: set one of its fields`);
    }
    values[name] = value;
  }
  return values;
}

function noParameters(parameters: Parameters, where: string): void {
  const names = Object.keys(parameters);
  if (names.length > 0) {
    throw new BadRequestError(
      `Unknown parameter '${names[0]}' of ${where}; only the request takes parameters`,
    );
  }
}
