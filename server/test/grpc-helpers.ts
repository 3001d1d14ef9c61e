import {
  type ChannelCredentials,
  type Client,
  credentials,
  loadPackageDefinition,
  Metadata,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_FILE } from '../src/doors/grpc/service-definition.js';
import { bytesElements } from './raw-layout.js';

/**
 * A gRPC client of the Open Inference Protocol for tests, generated at run time from the
 * repository's `.proto`, as any client would be. Its options are a client's, not the server's:
 * int64 as strings, so the tests see what a careful client sees.
 */
const inference = loadPackageDefinition(
  loadSync(PROTO_FILE, { keepCase: true, longs: String, bytes: Buffer, defaults: true }),
).inference as unknown as {
  GRPCInferenceService: new (
    address: string,
    credentials: ChannelCredentials,
    options?: object,
  ) => Client;
};

export interface InferParameter {
  bool_param?: boolean;
  int64_param?: number | string;
  string_param?: string;
  double_param?: number;
}

export interface ModelInferRequest {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: Record<string, InferParameter>;
  inputs: {
    name: string;
    datatype: string;
    shape: number[];
    contents?: { bytes_contents?: Buffer[]; fp32_contents?: number[] };
  }[];
  outputs?: { name: string }[];
  raw_input_contents?: Buffer[];
}

export interface OutputTensor {
  name: string;
  datatype: string;
  shape: string[];
}

export interface ModelInferResponse {
  model_name: string;
  model_version: string;
  id: string;
  outputs: OutputTensor[];
  raw_output_contents: Buffer[];
}

export class InferenceClient {
  private readonly client: Client;

  constructor(address: string, channel = credentials.createInsecure(), options: object = {}) {
    this.client = new inference.GRPCInferenceService(address, channel, options);
  }

  /**
   * Calls `method` and resolves with its response.
   * @param options.deadlineMs the call's gRPC deadline, from now.
   * @param options.signal cancels the call when aborted.
   * @throws the call's {@link ServiceError}.
   */
  call<T>(
    method: string,
    request: object,
    options: { deadlineMs?: number; signal?: AbortSignal } = {},
  ): Promise<T> {
    const callOptions =
      options.deadlineMs === undefined ? {} : { deadline: Date.now() + options.deadlineMs };
    return new Promise((resolve, reject) => {
      const unary = (this.client as unknown as Record<string, unknown>)[method] as (
        request: object,
        metadata: Metadata,
        options: object,
        callback: (error: ServiceError | null, response: T) => void,
      ) => { cancel(): void };
      const call = unary.call(
        this.client,
        request,
        new Metadata(),
        callOptions,
        (error, response) => (error ? reject(error) : resolve(response)),
      );
      options.signal?.addEventListener('abort', () => call.cancel(), { once: true });
    });
  }

  infer(request: ModelInferRequest, options?: { deadlineMs?: number; signal?: AbortSignal }) {
    return this.call<ModelInferResponse>('ModelInfer', request, options);
  }

  close(): void {
    this.client.close();
  }
}

/** A ModelInfer request for one encoded image, in `raw_input_contents` as the bare bytes. */
export function imageRequest(
  image: Buffer,
  more: Partial<Pick<ModelInferRequest, 'parameters' | 'outputs' | 'id'>> = {},
): ModelInferRequest {
  return {
    model_name: 'maskrcnn',
    inputs: [{ name: 'image', datatype: 'BYTES', shape: [1] }],
    raw_input_contents: [image],
    ...more,
  };
}

/**
 * The response's outputs by name, decoded from the protocol's raw layout independently of the
 * server's code: FP32 and INT32 little-endian, BYTES as 4-byte little-endian lengths and bytes.
 * Reading an output the response lacks throws.
 */
export function decodeOutputs(response: ModelInferResponse) {
  const find = (name: string) => {
    const index = response.outputs.findIndex((output) => output.name === name);
    if (index < 0) throw new Error(`no output '${name}' in the response`);
    return { output: response.outputs[index], raw: response.raw_output_contents[index] };
  };
  return {
    names: response.outputs.map((output) => output.name),
    shape: (name: string) => find(name).output.shape.map(Number),
    numbers(name: string): number[] {
      const { output, raw } = find(name);
      const read = output.datatype === 'FP32' ? 'readFloatLE' : 'readInt32LE';
      return Array.from({ length: raw.length / 4 }, (_, i) => raw[read](i * 4));
    },
    elements: (name: string): Buffer[] => bytesElements(find(name).raw),
  };
}

/** The gRPC status a promise rejected with: its code, details and `error-name` trailer. */
export async function statusOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    const { code, details, metadata } = error as ServiceError;
    return { code, details, name: metadata?.get('error-name')[0] };
  }
  throw new Error('the call succeeded');
}
