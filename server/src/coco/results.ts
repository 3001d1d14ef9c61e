/** The pipeline's detections in the two forms that leave it: the `detect` reply and COCO results. */

import type { DetectedInstance } from '@maskrcnn-zmq/shared';
import { toCocoCategoryId } from '../inference/coco-classes.js';
import type { Instance } from '../inference/types.js';
import type { CocoDetection } from './coco-dataset.js';
import { encodeBoxMask } from './rle.js';

/**
 * Instances as `detect` returns them: masks, where present, become compressed RLE over the
 * whole image (`imageHeight` × `imageWidth` pixels).
 */
export function toDetectedInstances(
  instances: readonly Instance[],
  imageHeight: number,
  imageWidth: number,
): DetectedInstance[] {
  return instances.map(({ label, classId, score, box, mask }) => ({
    label,
    classId,
    score,
    box,
    ...(mask && { mask: encodeBoxMask(mask, imageHeight, imageWidth) }),
  }));
}

/**
 * One `detect` instance as a COCO results entry: the contiguous class id mapped to COCO's
 * category id, the box as [x, y, w, h] with Detectron's inclusive widths (x2 - x1 + 1), as the
 * reference results file has them.
 */
export function toCocoResult(imageId: number, instance: DetectedInstance): CocoDetection {
  const [x1, y1, x2, y2] = instance.box;
  return {
    image_id: imageId,
    category_id: toCocoCategoryId(instance.classId),
    score: instance.score,
    bbox: [x1, y1, x2 - x1 + 1, y2 - y1 + 1],
    ...(instance.mask && { segmentation: instance.mask }),
  };
}
