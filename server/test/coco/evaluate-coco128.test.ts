import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import {
  type CocoDataset,
  type CocoDetection,
  loadCocoDataset,
} from '../../src/coco/coco-dataset.js';
import { evaluate } from '../../src/coco/evaluate.js';
import { decodeRle, rleToMask, rleToString } from '../../src/coco/rle.js';
import { COCO128_INSTANCES, REFERENCE_DETECTIONS } from './fixtures.js';

/**
 * MODEL.md: the reference pipeline's results on coco128 score 33.4 mask AP and 40.1 box AP
 * under pycocotools. Matching them to ±0.1 checks the rasterised ground truth, crowd handling,
 * matching and interpolation all at once.
 */
describe('evaluate on coco128 against the reference detections', () => {
  let dataset: CocoDataset;
  let detections: CocoDetection[];
  before(async () => {
    dataset = await loadCocoDataset(COCO128_INSTANCES);
    detections = JSON.parse(readFileSync(REFERENCE_DETECTIONS, 'utf8'));
  });

  it('gives mask AP 33.4', () => {
    const started = performance.now();
    const s = evaluate(dataset, detections, 'segm');
    const ms = performance.now() - started;
    assert.ok(Math.abs(s.ap * 100 - 33.4) <= 0.1, `mask AP ${s.ap * 100}`);
    assert.ok(s.ap50 > s.ap75 && s.ap75 > s.ap, `AP50 ${s.ap50} AP75 ${s.ap75}`);
    assert.ok(ms < 5000, `took ${ms} ms`);
  });

  it('gives box AP 40.1', () => {
    const s = evaluate(dataset, detections, 'bbox');
    assert.ok(Math.abs(s.ap * 100 - 40.1) <= 0.1, `box AP ${s.ap * 100}`);
    assert.ok(s.apSmall < s.apMedium && s.apMedium < s.apLarge);
  });

  it('scores row-major masks near zero, as MODEL.md warns', () => {
    // The same masks with their runs taken along rows instead of down columns.
    const ids = dataset.images.slice(0, 16).map((im) => im.id);
    const some = detections.filter((d) => ids.includes(d.image_id));
    const rowMajor = some.map((d) => {
      const mask = rleToMask(decodeRle(d.segmentation!));
      const counts: number[] = [];
      let value = 0;
      let run = 0;
      for (let i = 0; i < mask.length; i++) {
        const bit = mask[i];
        if (bit !== value) {
          counts.push(run);
          run = 0;
          value = bit;
        }
        run++;
      }
      counts.push(run);
      return { ...d, segmentation: { size: d.segmentation!.size, counts: rleToString(counts) } };
    });
    const right = evaluate(dataset, some, 'segm', { imageIds: ids }).ap;
    const wrong = evaluate(dataset, rowMajor, 'segm', { imageIds: ids }).ap;
    assert.ok(wrong < right / 5, `row-major ${wrong} vs ${right}`);
  });
});
