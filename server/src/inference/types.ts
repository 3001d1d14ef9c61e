/**
 * The contract between the inference pipeline and everything that uses it (the RPC methods,
 * the renderer, the evaluation). Pixel coordinates are in the original image unless a name
 * says otherwise.
 */

/** A decoded image: packed 8-bit RGB, row-major, no padding (`data.length === width * height * 3`). */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * One detected object. `box` is [x1, y1, x2, y2] in original-image pixels with Detectron's
 * inclusive "+1" convention (a box one pixel wide has x2 === x1).
 */
export interface Instance {
  /** The model's contiguous class index, 1..80 (0 is background and never reported). */
  classId: number;
  /** COCO class name, e.g. "person". */
  label: string;
  score: number;
  box: [number, number, number, number];
  /** The binary mask, absent when masks were not asked for. */
  mask?: BoxMask;
}

/**
 * A binary mask stored only over the instance's integer pixel window: rows y0..y0+height-1 and
 * columns x0..x0+width-1 of the original image; everything outside is 0. Row-major, 0 or 1.
 */
export interface BoxMask {
  x0: number;
  y0: number;
  width: number;
  height: number;
  data: Uint8Array;
}

/** What a caller may ask of one inference. */
export interface InferenceOptions {
  /** Keep instances scoring at least this (0..1). */
  scoreThreshold: number;
  /** Keep at most this many instances, best first. */
  maxDetections: number;
  /** Compute masks (false skips the mask head and pasting). */
  masks: boolean;
  /** Keep only these class ids; undefined keeps all. */
  classIds?: ReadonlySet<number>;
}

/** Milliseconds spent in each stage of one inference; `model` is every graph run, mask head included. */
export interface StageTimingsMs {
  preprocess: number;
  model: number;
  postprocess: number;
  masks: number;
}

export interface InferenceResult {
  instances: Instance[];
  timingsMs: StageTimingsMs;
}
