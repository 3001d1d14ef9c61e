/**
 * Errors the inference stage raises. `name` is what callers match on. The two about the image
 * are the wire errors themselves, so a worker's failure reaches the caller under its own name.
 */
export { ImageTooLargeError, InvalidImageError } from '@maskrcnn-zmq/shared';

/** A model file is missing or malformed (a graph that will not load, anchors of the wrong shape). */
export class ModelLoadError extends Error {
  override name = 'ModelLoad';
}

/**
 * The execution provider asked for cannot run here, e.g. CUDA without onnxruntime-node's CUDA
 * providers installed. Callers that prefer a slower answer to none may retry with 'cpu'.
 */
export class ExecutionProviderUnavailableError extends Error {
  override name = 'ExecutionProviderUnavailable';
}

/** onnxruntime failed while running a graph that had loaded; `cause` holds its own error. */
export class ModelRunError extends Error {
  override name = 'ModelRun';
}
