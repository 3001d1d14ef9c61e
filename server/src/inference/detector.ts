/**
 * The seam between the pipeline and a particular Mask R-CNN: a detector takes decoded RGB and
 * returns detections in original-image pixels, then masks for whichever of them the caller
 * keeps. MaskRCNN2GO (three graphs, proposals in JS) implements it in maskrcnn2go.ts; the ONNX
 * Model Zoo's one-graph MaskRCNN-10 and -12 in zoo-maskrcnn.ts. load-detector.ts picks one by
 * what the model folder holds.
 */
import type { ModelInfo } from '@maskrcnn-zmq/shared';
import type { Detection } from './postprocess.js';
import type { InputSizeRule } from './preprocess.js';
import type { BoxMask, RgbImage } from './types.js';

/** What a loaded model is and how it runs, for `info()` and the logs. */
export interface ModelDescription extends ModelInfo {
  executionProvider: string;
  threads: number;
}

/** One image's detections, and the means to compute masks for some of them. */
export interface DetectionRun {
  /** All the model's detections, best first. */
  detections: Detection[];
  /** `model` is graph time up to the detections; the mask head's comes with its masks. */
  timingsMs: { preprocess: number; model: number; postprocess: number };
  /**
   * Masks for `chosen`, detections from this run, in the same order. Only these are computed:
   * callers filter first. MaskRCNN2GO also takes other boxes in this image; a model whose
   * graph makes its masks with its detections throws RangeError for them.
   */
  masks(chosen: readonly Detection[]): Promise<MaskRun>;
}

/** Masks, and the time spent in graphs making them (the rest is pasting them). */
export interface MaskRun {
  masks: BoxMask[];
  graphMs: number;
}

export interface Detector {
  readonly description: ModelDescription;
  detect(image: RgbImage): Promise<DetectionRun>;
  /** Runs every graph at least once on `frame`, so that no request pays for lazy set-up. */
  warmUp(frame: RgbImage): Promise<void>;
  release(): Promise<void>;
}

/** The resize rule in words, for `ModelDescription.inputSize`. */
export function describeInputSize(rule: InputSizeRule, padMultiple = 1): string {
  const words = `short side ${rule.shortSide} px, long side at most ${rule.maxLongSide} px`;
  return padMultiple > 1 ? `${words}, sides padded to multiples of ${padMultiple}` : words;
}
