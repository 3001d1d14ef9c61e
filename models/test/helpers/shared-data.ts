/**
 * The material beside the checkout (models and photos in ../shared), read by tests and never
 * copied into the repository.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** ../shared, from models/dist/test/helpers/. */
export const SHARED = fileURLToPath(new URL('../../../../../shared/', import.meta.url));
/** The default model as published (Caffe2) and as the reference conversion made it (ONNX). */
export const MASKRCNN2GO_DIR = `${SHARED}models/maskrcnn2go`;
export const CAFFE2_DIR = `${MASKRCNN2GO_DIR}/caffe2`;
export const REFERENCE_ONNX_DIR = `${MASKRCNN2GO_DIR}/onnx`;
export const COCO_IMAGES = `${SHARED}testdata/coco128/images`;

if (!existsSync(CAFFE2_DIR)) {
  throw new Error(`the tests need the models beside the checkout; ${CAFFE2_DIR} is missing`);
}
