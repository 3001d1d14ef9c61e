import { RemoteError } from '@maskrcnn-zmq/shared';
import type { ModelDescription } from '../../jobs/job.js';

/**
 * The model as the Open Inference Protocol (KServe v2) names it, the same over REST and gRPC:
 * one BYTES input, the encoded image, and the detections as parallel tensors.
 */
export const MODEL_NAME = 'maskrcnn';

/** Protocol extensions this server speaks, as `GET /v2` and `ServerMetadata` list them. */
export const EXTENSIONS = ['binary_tensor_data'] as const;

export type Datatype = 'BYTES' | 'FP32' | 'INT32';

export interface TensorMetadata {
  name: string;
  datatype: Datatype;
  /** -1 for a dimension that varies per image (the number of detections). */
  shape: number[];
}

export const IMAGE_INPUT: TensorMetadata = { name: 'image', datatype: 'BYTES', shape: [1] };

export const OUTPUTS = [
  { name: 'boxes', datatype: 'FP32', shape: [-1, 4] },
  { name: 'scores', datatype: 'FP32', shape: [-1] },
  { name: 'class_ids', datatype: 'INT32', shape: [-1] },
  { name: 'labels', datatype: 'BYTES', shape: [-1] },
  { name: 'masks', datatype: 'BYTES', shape: [-1] },
  { name: 'composite', datatype: 'BYTES', shape: [1] },
] as const satisfies readonly TensorMetadata[];

export type OutputName = (typeof OUTPUTS)[number]['name'];

/** Outputs sent when the request lists none: all but the composite, which costs a render. */
export const DEFAULT_OUTPUTS: readonly OutputName[] = [
  'boxes',
  'scores',
  'class_ids',
  'labels',
  'masks',
];

/** Request parameters, with the option each stands for in `detect`. */
export const PARAMETERS = {
  score_threshold: 'scoreThreshold',
  max_detections: 'maxDetections',
  classes: 'classes',
  masks: 'masks',
  /** The caller's deadline, for clients that cannot set one on the wire (gRPC's is read too). */
  timeout_ms: 'timeoutMs',
} as const;

export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

/** `GET /v2/models/maskrcnn` and `ModelMetadata`. */
export function modelMetadata(model: ModelDescription): ModelMetadata {
  return {
    name: MODEL_NAME,
    versions: ['1'],
    platform: `onnxruntime_onnx (${model.name}, ${model.executionProvider})`,
    inputs: [IMAGE_INPUT],
    outputs: OUTPUTS.map((output) => ({ ...output, shape: [...output.shape] })),
  };
}

/** Whether `name` is this server's model (any version: there is one). */
export function isOurModel(name: string, version?: string): boolean {
  return name === MODEL_NAME && (version === undefined || version === '' || version === '1');
}

/**
 * Refuses every model but this server's, for both doors alike.
 * @throws a `NotFound` RemoteError: 404 over HTTP, NOT_FOUND over gRPC.
 */
export function requireOurModel(name: string, version?: string): void {
  if (isOurModel(name, version)) return;
  const asked = version ? `'${name}' version '${version}'` : `'${name}'`;
  throw new RemoteError(
    'NotFound',
    `no model ${asked}; this server serves '${MODEL_NAME}' version '1'`,
  );
}
