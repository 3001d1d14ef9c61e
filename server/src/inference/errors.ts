/**
 * Errors the inference stage raises. `name` is what callers match on. InvalidImage and
 * ImageTooLarge mirror the wire errors of the same names (shared/src/protocol/errors.ts); they
 * are defined here for now so this stage builds alone, and are meant to be re-pointed there.
 */

/** The bytes are not an image this service decodes (empty, corrupt, truncated, other format). */
export class InvalidImageError extends Error {
  override name = 'InvalidImage';
}

/** The image header declares more pixels than the configured limit; nothing was decoded. */
export class ImageTooLargeError extends Error {
  override name = 'ImageTooLarge';
}

/** A model file is missing or malformed (a graph that will not load, anchors of the wrong shape). */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
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
  override name = 'ModelRunError';
}
