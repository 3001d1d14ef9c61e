/**
 * @maskrcnn-zmq/models: the model files the server runs, fetched, verified and converted on
 * first use into a cache folder. Public API only; tests reach internals by relative path.
 *
 *   const model = await ensureModel('maskrcnn2go', { cacheDir: opts.modelDir });
 *   model.files['backbone_rpn.onnx'] // absolute path
 */
export { CACHE_ENV, modelDir, resolveCacheDir } from './cache-dir.js';
export { type CliIo, FETCH_MODEL_USAGE, fetchModelCli } from './cli.js';
export {
  CONVERTER_VERSION,
  type ConvertedFile,
  convertMaskRcnn2go,
  MASKRCNN2GO_OUTPUTS,
} from './convert/convert.js';
export { type EnsureModelOptions, ensureModel, type ReadyModel } from './ensure.js';
export {
  ConversionError,
  type FetchFailure,
  ModelChecksumError,
  ModelFetchError,
  ModelMissingError,
  UnknownModelError,
} from './errors.js';
export { BASE_URL_ENV, type FetchFileOptions, fetchFile, resolveSourceUrl } from './fetch.js';
export {
  DEFAULT_MODEL,
  getModelSpec,
  type InputSettings,
  MODELS,
  type ModelFile,
  type ModelSpec,
  type PostprocessSettings,
  type SourceFile,
} from './manifest.js';
export { PRECISIONS, type Precision } from './precision.js';
export {
  createProgressReporter,
  type ProgressEvent,
  type ProgressListener,
  type ProgressStream,
  silentProgress,
} from './progress.js';
