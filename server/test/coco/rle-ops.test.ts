import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { polygonToRle } from '../../src/coco/polygon.js';
import { type Rle, rleArea } from '../../src/coco/rle.js';
import { bboxIou, rleIou, rleMerge, rleToBbox } from '../../src/coco/rle-ops.js';

/** A filled w × h rectangle at (x, y) in a 20 × 20 image. */
function rect(x: number, y: number, w: number, h: number): Rle {
  return polygonToRle([x, y, x, y + h, x + w, y + h, x + w, y], 20, 20);
}

describe('RLE set operations', () => {
  it('unites and intersects', () => {
    const a = rect(0, 0, 4, 4);
    const b = rect(2, 2, 4, 4);
    assert.equal(rleArea(rleMerge([a, b])), 16 + 16 - 4);
    assert.equal(rleArea(rleMerge([a, b], true)), 4);
    assert.deepEqual(rleToBbox(rleMerge([a, b], true)), [2, 2, 2, 2]);
  });

  it('finds the box of a mask, widened to full height when it spans columns', () => {
    assert.deepEqual(rleToBbox(rect(3, 5, 4, 2)), [3, 5, 4, 2]);
    assert.deepEqual(
      rleToBbox({ height: 4, width: 2, counts: Uint32Array.of(3, 2, 3) }),
      [0, 0, 2, 4],
    );
    assert.deepEqual(rleToBbox({ height: 4, width: 2, counts: Uint32Array.of(8) }), [0, 0, 0, 0]);
  });
});

describe('IoU', () => {
  it('of masks: intersection over union, or over the detection for crowd regions', () => {
    const dt = [rect(0, 0, 10, 10), rect(15, 15, 2, 2)];
    const gt = [rect(5, 0, 10, 10), rect(0, 0, 20, 20)];
    const iou = rleIou(dt, gt, [false, true]);
    // Layout: detection-major, one row of ground truths per detection.
    assert.deepEqual([...iou], [50 / 150, 1, 0, 1]);
    assert.deepEqual([...rleIou(dt, gt, [false, false])], [50 / 150, 100 / 400, 0, 4 / 400]);
  });

  it('of masks of different sizes is -1', () => {
    const other = polygonToRle([0, 0, 0, 5, 5, 5, 5, 0], 10, 10);
    assert.deepEqual([...rleIou([rect(0, 0, 5, 5)], [other], [false])], [-1]);
  });

  it('of boxes, [x, y, w, h] without +1', () => {
    const iou = bboxIou(
      [
        [0, 0, 10, 10],
        [30, 30, 1, 1],
      ],
      [
        [5, 0, 10, 10],
        [0, 0, 20, 20],
      ],
      [false, true],
    );
    assert.deepEqual([...iou], [50 / 150, 1, 0, 0]);
  });
});
