/**
 * The seam between the pipeline and a particular Mask R-CNN: a detector takes decoded RGB and
 * returns detections in original-image pixels, then masks for whichever of them the caller
 * keeps. MaskRCNN2GO (three graphs, proposals in JS) implements it in maskrcnn2go.ts; a
 * one-graph model such as the ONNX Model Zoo's MaskRCNN-10 would implement it beside it,
 * reusing preprocess.ts (mean and padding options) and masks.ts (its 28×28 maps paste the same).
 */
import type { Detection } from './postprocess.js';
import type { BoxMask, RgbImage } from './types.js';

/** What a loaded model is, for `info()` and the logs. */
export interface ModelDescription {
  name: string;
  /** Where its weights came from. */
  source: string;
  /** Class names in class-id order: `classes[id - 1]` is class `id`. */
  classes: string[];
  /** The resize rule, in words. */
  inputSize: string;
  executionProvider: string;
  threads: number;
}

/** One image's detections, and the means to compute masks for some of them. */
export interface DetectionRun {
  /** All the model's detections, best first. */
  detections: Detection[];
  /** `model` is graph time up to the detections; the mask head counts under the masks stage. */
  timingsMs: { preprocess: number; model: number; postprocess: number };
  /**
   * Masks for `chosen` (detections from this run, or boxes in this image), in the same order.
   * Only these are computed: callers filter first.
   */
  masks(chosen: readonly Detection[]): Promise<BoxMask[]>;
}

export interface Detector {
  readonly description: ModelDescription;
  detect(image: RgbImage): Promise<DetectionRun>;
  release(): Promise<void>;
}
