import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Detector } from './detector.js';
import { MaskRcnn2GoDetector } from './maskrcnn2go.js';
import type { GraphOptions } from './model.js';
import { ZOO_MODELS, ZooMaskRcnnDetector, zooFile } from './zoo-maskrcnn.js';

/**
 * Loads the detector for the model in `dir`, chosen by what the folder holds, so that a folder
 * from `ensureModel` and one given by hand (`--model-dir`) are treated alike: the ONNX Model
 * Zoo's Mask R-CNN where it holds MaskRCNN-10.onnx or MaskRCNN-12.onnx, else MaskRCNN2GO's
 * graphs and anchors.
 * @throws ModelLoadError naming the missing or malformed file.
 * @throws ExecutionProviderUnavailableError when `executionProvider` cannot run here.
 */
export async function loadDetector(dir: string, opts: GraphOptions): Promise<Detector> {
  for (const spec of ZOO_MODELS) {
    const path = join(dir, zooFile(spec));
    if (await isFile(path)) return ZooMaskRcnnDetector.load(path, spec, opts);
  }
  return MaskRcnn2GoDetector.load(dir, opts);
}

const isFile = (path: string) =>
  stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
