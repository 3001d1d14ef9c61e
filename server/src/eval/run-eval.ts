import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VisionClient } from '@maskrcnn-zmq/shared';
import type { CocoDataset, CocoDetection } from '../coco/coco-dataset.js';
import { type CocoScores, evaluate } from '../coco/evaluate.js';
import { toCocoResult } from '../coco/results.js';

export interface EvalOptions {
  /** Where the images are; `file_name` of each dataset image is read from here. */
  imagesDir: string;
  /** Score at most this many images (the dataset's first, by id). */
  limit?: number;
  /** Called after each image. */
  onImage?: (done: number, total: number) => void;
}

export interface EvalReport {
  images: number;
  detections: CocoDetection[];
  mask: CocoScores;
  box: CocoScores;
  /** Mean server-side milliseconds per image, from `detect`'s own timings. */
  meanServerMs: number;
}

/**
 * Runs `detect` on every image of a COCO dataset and scores the results the COCO way. All of
 * the model's detections are asked for (score ≥ 0, at most 100 per image: COCO's limit), as the
 * published figures are computed.
 */
export async function runEval(
  client: VisionClient,
  dataset: CocoDataset,
  options: EvalOptions,
): Promise<EvalReport> {
  const images = [...dataset.images].sort((a, b) => a.id - b.id).slice(0, options.limit);
  const detections: CocoDetection[] = [];
  let serverMs = 0;
  for (const [index, image] of images.entries()) {
    const bytes = await readFile(join(options.imagesDir, image.file_name));
    const result = await client.detect(bytes, { scoreThreshold: 0, maxDetections: 100 });
    serverMs += result.timingsMs.total ?? 0;
    detections.push(...result.instances.map((instance) => toCocoResult(image.id, instance)));
    options.onImage?.(index + 1, images.length);
  }
  const imageIds = images.map((image) => image.id);
  return {
    images: images.length,
    detections,
    mask: evaluate(dataset, detections, 'segm', { imageIds }),
    box: evaluate(dataset, detections, 'bbox', { imageIds }),
    meanServerMs: serverMs / Math.max(images.length, 1),
  };
}

/** The scores as a small table, in COCO's percent figures. */
export function formatScores(report: EvalReport): string {
  const percent = (value: number) => (value < 0 ? '   -' : (100 * value).toFixed(1).padStart(5));
  const row = (name: string, s: CocoScores) =>
    `${name.padEnd(5)} ${percent(s.ap)} ${percent(s.ap50)} ${percent(s.ap75)} ${percent(s.apSmall)} ${percent(s.apMedium)} ${percent(s.apLarge)}`;
  return [
    `${report.images} images, ${report.detections.length} detections, ${report.meanServerMs.toFixed(0)} ms per image on the server`,
    '         AP  AP50  AP75   APs   APm   APl',
    row('mask', report.mask),
    row('box', report.box),
  ].join('\n');
}
