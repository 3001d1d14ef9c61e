/** Turns the pipeline's detections into COCO results entries, the form COCO evaluation reads. */

import { toCocoCategoryId } from '../inference/coco-classes.js';
import type { Instance } from '../inference/types.js';
import type { CocoDetection } from './coco-dataset.js';
import { encodeBoxMask } from './rle.js';

/**
 * One image's instances as COCO results: the contiguous class id mapped to COCO's category id,
 * the box as [x, y, w, h] with Detectron's inclusive widths (x2 - x1 + 1), as the reference
 * results file has them, and the mask, when present, as compressed RLE over the whole image.
 * `imageHeight` and `imageWidth` are the original image's size in pixels.
 */
export function instancesToResults(
  imageId: number,
  instances: readonly Instance[],
  imageHeight: number,
  imageWidth: number,
): CocoDetection[] {
  return instances.map((inst) => {
    const [x1, y1, x2, y2] = inst.box;
    const result: CocoDetection = {
      image_id: imageId,
      category_id: toCocoCategoryId(inst.classId),
      score: inst.score,
      bbox: [x1, y1, x2 - x1 + 1, y2 - y1 + 1],
    };
    if (inst.mask) result.segmentation = encodeBoxMask(inst.mask, imageHeight, imageWidth);
    return result;
  });
}
