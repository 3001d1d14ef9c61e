import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Precision } from '@maskrcnn-zmq/models';
import type { Detector } from './detector.js';
import { ModelLoadError } from './errors.js';
import { MaskRcnn2GoDetector } from './maskrcnn2go.js';
import type { GraphOptions } from './model.js';
import { ZOO_MODELS, ZooMaskRcnnDetector, zooFile } from './zoo-maskrcnn.js';

/**
 * Loads the detector for the model in `dir`, chosen by what the folder holds, so that a folder
 * from `ensureModel` and one given by hand (`--model-dir`) are treated alike: the ONNX Model
 * Zoo's Mask R-CNN where it holds MaskRCNN-10.onnx or MaskRCNN-12.onnx, else MaskRCNN2GO's
 * graphs and anchors, whose precision must be `precision`.
 * @throws ModelLoadError naming the missing or malformed file, or graphs of another precision.
 * @throws ExecutionProviderUnavailableError when `executionProvider` cannot run here.
 */
export async function loadDetector(
  dir: string,
  opts: GraphOptions,
  precision: Precision = 'float',
): Promise<Detector> {
  for (const spec of ZOO_MODELS) {
    const path = join(dir, zooFile(spec));
    if (!(await isFile(path))) continue;
    if (precision !== 'float') {
      throw new ModelLoadError(`${path}: the ONNX Model Zoo's Mask R-CNN has no ${precision} form`);
    }
    return ZooMaskRcnnDetector.load(path, spec, opts);
  }
  return MaskRcnn2GoDetector.load(dir, opts, precision);
}

const isFile = (path: string) =>
  stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
