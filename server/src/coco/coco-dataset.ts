/**
 * COCO annotation files (instances_*.json) and results entries, with field names as in the JSON,
 * and the ground-truth masks pycocotools derives from them.
 */

import { readFile } from 'node:fs/promises';
import { CocoFormatError } from './errors.js';
import { polygonsToRle } from './polygon.js';
import type { CompressedRle, Rle, UncompressedRle } from './rle.js';
import { decodeRle, rleFromUncompressed } from './rle.js';
import type { XywhBox } from './rle-ops.js';

/** One image of the dataset; `id` is what annotations and results refer to. */
export interface CocoImage {
  id: number;
  /** Pixels. */
  width: number;
  /** Pixels. */
  height: number;
  file_name: string;
}

/** One category; `id` is COCO's category id (1..90 with gaps for COCO itself). */
export interface CocoCategory {
  id: number;
  name: string;
  supercategory?: string;
}

/** One ground-truth object (or crowd region) of one image. */
export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  /** 1 marks a crowd region: detections there are neither rewarded nor punished. */
  iscrowd: 0 | 1;
  /** Mask area in pixels as the file states it; it decides small/medium/large. */
  area: number;
  bbox: XywhBox;
  /** Polygons (ordinary objects) or an RLE (crowd regions, usually uncompressed). */
  segmentation: number[][] | UncompressedRle | CompressedRle;
}

/** The parts of an instances_*.json file that evaluation reads; other fields are kept as read. */
export interface CocoDataset {
  images: CocoImage[];
  annotations: CocoAnnotation[];
  categories: CocoCategory[];
}

/** One entry of a COCO results file (what a detector submits for evaluation). */
export interface CocoDetection {
  image_id: number;
  /** The COCO category id (1..90 with gaps), not the model's contiguous class id. */
  category_id: number;
  score: number;
  /** [x, y, w, h] in pixels. */
  bbox: XywhBox;
  /** The mask in the original image's pixels; needed for 'segm' evaluation. */
  segmentation?: CompressedRle;
}

/**
 * Reads and checks the outline of a COCO annotation file. Throws CocoFormatError when it lacks
 * images, annotations or categories, or the file's own read or JSON error.
 */
export async function loadCocoDataset(path: string): Promise<CocoDataset> {
  const json: unknown = JSON.parse(await readFile(path, 'utf8'));
  return checkCocoDataset(json, path);
}

/** Checks that a parsed value has COCO's three lists; throws CocoFormatError naming `source`. */
export function checkCocoDataset(json: unknown, source: string): CocoDataset {
  const d = json as Partial<CocoDataset> | null;
  for (const key of ['images', 'annotations', 'categories'] as const) {
    if (!Array.isArray(d?.[key])) {
      throw new CocoFormatError(`${source}: expected a "${key}" array, got ${typeof d?.[key]}`);
    }
  }
  return d as CocoDataset;
}

/**
 * The ground-truth mask of an annotation as pycocotools `annToRLE` makes it: polygons are
 * rasterised at the image's size, RLEs are taken at their own size.
 */
export function annotationToRle(ann: CocoAnnotation, image: CocoImage): Rle {
  const s = ann.segmentation;
  if (Array.isArray(s)) return polygonsToRle(s, image.height, image.width);
  if (typeof s.counts === 'string') return decodeRle(s as CompressedRle);
  return rleFromUncompressed(s as UncompressedRle);
}
