/** What the mask-free part of a detector produces, and how it is chosen from the box head. */
import { type BoxWeights, clipBox, decodeBox } from './box-coder.js';
import type { FloatTensor } from './model.js';
import { softNmsLinear } from './nms.js';

/** One detection before masks: contiguous class id 1..80, score, box in original pixels (+1). */
export interface Detection {
  classId: number;
  score: number;
  box: [number, number, number, number];
}

/** Settings of the detection step (caffe2 BBoxTransform + BoxWithNMSLimit). */
export interface DetectionSettings {
  /** Divisors of the box head's (dx, dy, dw, dh). */
  boxWeights: BoxWeights;
  /** Class scores at or below this are not candidates. */
  scoreThreshold: number;
  /** Soft-NMS decays a score when IoU with a kept box of its class exceeds this. */
  nmsThreshold: number;
  /** Soft-NMS drops candidates whose decayed score falls below this. */
  minScore: number;
  /** The best this many detections over all classes are returned. */
  maxDetections: number;
}

/**
 * Turns the box head's outputs into detections: for each class, candidates scoring above the
 * threshold have their roi refined by that class's deltas (in original-image pixels, clipped
 * to the image), then Soft-NMS (linear) runs per class, and the best `maxDetections` over all
 * classes are returned, best first, with their decayed scores.
 *
 * @param rois [R × 4] the proposals, in input (resized) pixels.
 * @param clsProb [R, C] class probabilities, column 0 background.
 * @param bboxPred [R, 4C] per-class deltas.
 * @param scale input pixels per original pixel.
 */
export function selectDetections(
  rois: Float32Array,
  clsProb: FloatTensor,
  bboxPred: FloatTensor,
  scale: number,
  imageWidth: number,
  imageHeight: number,
  settings: DetectionSettings,
): Detection[] {
  const [roiCount, classCount] = clsProb.dims;
  const probs = clsProb.data;
  const originalRois = rois.map((v) => v / scale);
  const boxes = new Float32Array(roiCount * 4);
  const scores = new Float32Array(roiCount);
  const found: Detection[] = [];

  for (let c = 1; c < classCount; c++) {
    const candidates: number[] = [];
    for (let r = 0; r < roiCount; r++) {
      const p = probs[r * classCount + c];
      if (p <= settings.scoreThreshold) continue;
      candidates.push(r);
      scores[r] = p;
      decodeBox(
        originalRois,
        r * 4,
        bboxPred.data,
        (r * classCount + c) * 4,
        settings.boxWeights,
        boxes,
        r * 4,
      );
      clipBox(boxes, r * 4, imageWidth, imageHeight);
    }
    if (candidates.length === 0) continue;
    for (const r of softNmsLinear(
      boxes,
      scores,
      candidates,
      settings.nmsThreshold,
      settings.minScore,
    )) {
      const at = r * 4;
      found.push({
        classId: c,
        score: scores[r],
        box: [boxes[at], boxes[at + 1], boxes[at + 2], boxes[at + 3]],
      });
    }
  }
  return found.sort((a, b) => b.score - a.score).slice(0, settings.maxDetections);
}
