import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toCocoResult, toDetectedInstances } from '../../src/coco/results.js';
import { decodeRle, rleArea } from '../../src/coco/rle.js';
import type { Instance } from '../../src/inference/types.js';

/** Pipeline instances → `detect` instances → COCO results, as `eval` sees them. */
const instancesToResults = (
  imageId: number,
  instances: Instance[],
  height: number,
  width: number,
) =>
  toDetectedInstances(instances, height, width).map((instance) => toCocoResult(imageId, instance));

describe('coco results', () => {
  const withMask: Instance = {
    classId: 12,
    label: 'stop sign',
    score: 0.75,
    box: [10.5, 20, 19.5, 20],
    mask: { x0: 10, y0: 20, width: 10, height: 1, data: new Uint8Array(10).fill(1) },
  };
  const boxOnly: Instance = { classId: 80, label: 'toothbrush', score: 0.5, box: [0, 0, 9, 4] };

  it('maps class ids to COCO category ids and boxes to [x, y, w, h] with +1 widths', () => {
    const [a, b] = instancesToResults(42, [withMask, boxOnly], 30, 40);
    assert.equal(a.image_id, 42);
    assert.equal(a.category_id, 13); // COCO skips id 12
    assert.equal(a.score, 0.75);
    assert.deepEqual(a.bbox, [10.5, 20, 10, 1]);
    assert.deepEqual(b.bbox, [0, 0, 10, 5]);
    assert.equal(b.category_id, 90);
    assert.equal(b.segmentation, undefined);
  });

  it('encodes the mask over the whole image', () => {
    const [a] = instancesToResults(1, [withMask], 30, 40);
    const rle = decodeRle(a.segmentation!);
    assert.deepEqual([rle.height, rle.width], [30, 40]);
    assert.equal(rleArea(rle), 10);
    // Row 20 of columns 10..19: the first run is 10 full columns and 20 rows.
    assert.equal(rle.counts[0], 10 * 30 + 20);
  });
});
