import { fileURLToPath } from 'node:url';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/**
 * The Open Inference Protocol's gRPC service, loaded from the repository's `.proto` (the file
 * outside clients generate their stubs from), and the messages as they reach the handlers.
 */
export const PROTO_FILE = fileURLToPath(
  new URL('../../../../proto/grpc_service.proto', import.meta.url),
);

const packageDefinition = loadSync(PROTO_FILE, {
  // Field names as the protocol spells them, so messages read like its documentation.
  keepCase: true,
  // int64 fields here are shapes and small parameters: numbers, checked where they are used.
  longs: Number,
  // Bytes stay views into the received message: the image is never copied on this thread.
  bytes: Buffer,
  // Absent fields read as their proto3 defaults; `parameter_choice` names a parameter's type.
  defaults: true,
  oneofs: true,
});

export const INFERENCE_SERVICE = packageDefinition[
  'inference.GRPCInferenceService'
] as ServiceDefinition;

/** `InferParameter`: one of its fields is set, and `parameter_choice` says which. */
export interface InferParameter {
  parameter_choice?:
    | 'bool_param'
    | 'int64_param'
    | 'string_param'
    | 'double_param'
    | 'uint64_param';
  bool_param?: boolean;
  int64_param?: number;
  string_param?: string;
  double_param?: number;
  uint64_param?: number;
}

export type Parameters = Record<string, InferParameter>;

export interface InferInputTensor {
  name: string;
  datatype: string;
  shape: number[];
  parameters: Parameters;
  contents: { bytes_contents: Buffer[] } | null;
}

export interface ModelInferRequest {
  model_name: string;
  model_version: string;
  id: string;
  parameters: Parameters;
  inputs: InferInputTensor[];
  outputs: { name: string; parameters: Parameters }[];
  raw_input_contents: Buffer[];
}

export interface ModelInferResponse {
  model_name: string;
  model_version: string;
  id: string;
  outputs: { name: string; datatype: string; shape: number[] }[];
  raw_output_contents: Buffer[];
}

/** `ModelReadyRequest` and `ModelMetadataRequest`. */
export interface ModelRequest {
  name: string;
  version: string;
}
