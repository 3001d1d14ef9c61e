/**
 * COCO detection and instance-segmentation scores, as pycocotools `COCOeval` with its default
 * parameters ('segm' or 'bbox'): per image and category, match (match.ts); per category, build
 * precision–recall (accumulate.ts); then average over the categories that have ground truth.
 */

import { precisionAtRecall } from './accumulate.js';
import type { CocoAnnotation, CocoDataset, CocoDetection, CocoImage } from './coco-dataset.js';
import { annotationToRle } from './coco-dataset.js';
import { CocoFormatError } from './errors.js';
import type { ImageMatches } from './match.js';
import { matchImage } from './match.js';
import { AREA_RANGES, IOU_THRESHOLDS, MAX_DETECTIONS, RECALL_THRESHOLDS } from './params.js';
import type { Rle } from './rle.js';
import { decodeRle } from './rle.js';
import { bboxIou, rleIou } from './rle-ops.js';

/** What is compared: instance masks or boxes. */
export type IouType = 'segm' | 'bbox';

/**
 * COCO's average precisions as fractions 0..1 (multiply by 100 for the usual figures), each -1
 * where no category has ground truth in that setting, as pycocotools prints. All use at most
 * 100 detections per image.
 */
export interface CocoScores {
  /** AP averaged over IoU .50:.05:.95, all object sizes: COCO's headline number. */
  ap: number;
  /** AP at IoU 0.50. */
  ap50: number;
  /** AP at IoU 0.75. */
  ap75: number;
  /** AP over IoU .50:.95 for objects under 32² pixels. */
  apSmall: number;
  /** AP over IoU .50:.95 for objects of 32² to 96² pixels. */
  apMedium: number;
  /** AP over IoU .50:.95 for objects over 96² pixels. */
  apLarge: number;
  /** AP over IoU .50:.95, all sizes, by COCO category id, for categories with ground truth. */
  apByCategory: Map<number, number>;
}

export interface EvaluateOptions {
  /** Score only these images (default: all images of the dataset). */
  imageIds?: readonly number[];
}

/**
 * Scores detections against a dataset's annotations the way pycocotools COCOeval does.
 * Detections of categories the dataset lacks are dropped, as pycocotools does. Throws
 * CocoFormatError for a detection on an image the dataset lacks, or, for 'segm', one without
 * a mask of its image's size; RangeError for an unknown id in `options.imageIds`.
 */
export function evaluate(
  dataset: CocoDataset,
  detections: readonly CocoDetection[],
  iouType: IouType,
  options: EvaluateOptions = {},
): CocoScores {
  const images = new Map(dataset.images.map((im) => [im.id, im]));
  for (const dt of detections) {
    if (!images.has(dt.image_id)) {
      throw new CocoFormatError(`detection on image ${dt.image_id}, which the dataset lacks`);
    }
  }
  const imageIds = [...new Set(options.imageIds ?? images.keys())].sort((a, b) => a - b);
  for (const id of imageIds) {
    if (!images.has(id)) throw new RangeError(`imageIds: the dataset has no image ${id}`);
  }
  const categoryIds = [...new Set(dataset.categories.map((c) => c.id))].sort((a, b) => a - b);
  const gtsBy = groupByImageAndCategory(dataset.annotations);
  const dtsBy = groupByImageAndCategory(detections);

  // matches[area][category] lists the images' outcomes in ascending image id order.
  const matches = AREA_RANGES.map(() => categoryIds.map((): ImageMatches[] => []));
  categoryIds.forEach((categoryId, k) => {
    for (const imageId of imageIds) {
      const gts = gtsBy.get(imageId)?.get(categoryId) ?? [];
      const dts = (dtsBy.get(imageId)?.get(categoryId) ?? [])
        .slice()
        .sort((a, b) => b.score - a.score)
        .slice(0, MAX_DETECTIONS);
      if (gts.length === 0 && dts.length === 0) continue;
      const image = images.get(imageId)!;
      const ious = iouType === 'segm' ? maskIous(dts, gts, image) : boxIous(dts, gts);
      const scores = Float64Array.from(dts, (d) => d.score);
      // pycocotools takes a result's area from its box whenever the result has one.
      const dtAreas = Float64Array.from(dts, (d) => d.bbox[2] * d.bbox[3]);
      const gtInfo = gts.map((g) => ({ crowd: g.iscrowd === 1, area: g.area }));
      AREA_RANGES.forEach((range, a) => {
        matches[a][k].push(matchImage(ious, scores, dtAreas, gtInfo, range, IOU_THRESHOLDS));
      });
    }
  });

  const curves = matches.map((byCategory) =>
    byCategory.map((ims) => precisionAtRecall(ims, IOU_THRESHOLDS.length, RECALL_THRESHOLDS)),
  );
  const allThresholds = IOU_THRESHOLDS.map((_, t) => t);
  const apByCategory = new Map<number, number>();
  categoryIds.forEach((categoryId, k) => {
    const c = curves[0][k];
    if (c) apByCategory.set(categoryId, meanPrecision([c], allThresholds));
  });
  return {
    ap: meanPrecision(curves[0], allThresholds),
    ap50: meanPrecision(curves[0], [0]),
    ap75: meanPrecision(curves[0], [5]),
    apSmall: meanPrecision(curves[1], allThresholds),
    apMedium: meanPrecision(curves[2], allThresholds),
    apLarge: meanPrecision(curves[3], allThresholds),
    apByCategory,
  };
}

/** The mean of the sampled precisions at the given IoU thresholds over categories with curves. */
function meanPrecision(
  byCategory: readonly (Float64Array[] | undefined)[],
  thresholds: readonly number[],
): number {
  let sum = 0;
  let n = 0;
  for (const curve of byCategory) {
    if (!curve) continue;
    for (const t of thresholds) {
      for (const q of curve[t]) sum += q;
      n += curve[t].length;
    }
  }
  return n === 0 ? -1 : sum / n;
}

function groupByImageAndCategory<T extends { image_id: number; category_id: number }>(
  items: readonly T[],
): Map<number, Map<number, T[]>> {
  const byImage = new Map<number, Map<number, T[]>>();
  for (const item of items) {
    let byCategory = byImage.get(item.image_id);
    if (!byCategory) {
      byCategory = new Map();
      byImage.set(item.image_id, byCategory);
    }
    const list = byCategory.get(item.category_id);
    if (list) list.push(item);
    else byCategory.set(item.category_id, [item]);
  }
  return byImage;
}

function boxIous(dts: readonly CocoDetection[], gts: readonly CocoAnnotation[]): Float64Array {
  return bboxIou(
    dts.map((d) => d.bbox),
    gts.map((g) => g.bbox),
    gts.map((g) => g.iscrowd === 1),
  );
}

function maskIous(
  dts: readonly CocoDetection[],
  gts: readonly CocoAnnotation[],
  image: CocoImage,
): Float64Array {
  if (dts.length === 0 || gts.length === 0) return new Float64Array(0);
  return rleIou(
    dts.map((d) => detectionRle(d, image)),
    gts.map((g) => annotationToRle(g, image)),
    gts.map((g) => g.iscrowd === 1),
  );
}

function detectionRle(dt: CocoDetection, image: CocoImage): Rle {
  const s = dt.segmentation;
  if (!s)
    throw new CocoFormatError(`'segm' evaluation: a detection on image ${image.id} has no mask`);
  const [h, w] = s.size;
  if (h !== image.height || w !== image.width) {
    throw new CocoFormatError(
      `detection mask on image ${image.id} is [${h}, ${w}], the image is [${image.height}, ${image.width}]`,
    );
  }
  return decodeRle(s);
}
