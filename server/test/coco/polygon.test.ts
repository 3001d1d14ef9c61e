import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { annotationToRle, loadCocoDataset } from '../../src/coco/coco-dataset.js';
import { polygonsToRle, polygonToRle } from '../../src/coco/polygon.js';
import { rleArea, rleToMask } from '../../src/coco/rle.js';
import { COCO128_INSTANCES } from './fixtures.js';

/** Rows of a row-major mask as strings, for readable failures. */
function picture(mask: Uint8Array, width: number): string[] {
  const rows: string[] = [];
  for (let i = 0; i < mask.length; i += width) rows.push([...mask.subarray(i, i + width)].join(''));
  return rows;
}

describe('polygon rasterisation (maskApi.c rleFrPoly)', () => {
  it('fills an axis-aligned rectangle with exactly the pixels whose centres it holds', () => {
    // Corners (1,2)–(4,4): pixel centres x 1.5..3.5, y 2.5..3.5.
    const rle = polygonToRle([1, 2, 1, 4, 4, 4, 4, 2], 6, 6);
    // Worked by hand, down the columns: column 0 and two rows of column 1 are empty (8), …
    assert.deepEqual([...rle.counts], [8, 2, 4, 2, 4, 2, 14]);
  });

  it('fills a triangle up to its hypotenuse', () => {
    // (0,0), (4,0), (0,4): centre (x+.5, y+.5) is inside when x + y < 3.
    const rle = polygonToRle([0, 0, 4, 0, 0, 4], 5, 5);
    assert.deepEqual(picture(rleToMask(rle), 5), ['11100', '11000', '10000', '00000', '00000']);
    assert.deepEqual([...rle.counts], [0, 3, 2, 2, 3, 1, 14]);
  });

  it('snaps the outline to a fifth of a pixel before testing centres', () => {
    // A top edge at y = 2.45 still covers row 2 (centre 2.5); at 2.55 it does not.
    const covers = (top: number) => rleArea(polygonToRle([0, top, 0, 4, 1, 4, 1, top], 5, 1));
    assert.equal(covers(2.45), 2);
    assert.equal(covers(2.55), 1);
  });

  it('cuts off what lies outside the image', () => {
    const rle = polygonToRle([-3, -3, -3, 2, 2, 2, 2, -3], 4, 4);
    assert.deepEqual(picture(rleToMask(rle), 4), ['1100', '1100', '0000', '0000']);
  });

  it('unites the polygons of one object, and reads 4-number lists as boxes as pycocotools does', () => {
    const two = polygonsToRle(
      [
        [0, 0, 0, 2, 2, 2, 2, 0],
        [3, 3, 3, 5, 5, 5, 5, 3],
      ],
      5,
      5,
    );
    assert.equal(rleArea(two), 8);
    const box = polygonsToRle([[1, 1, 2, 3]], 5, 5);
    assert.deepEqual(picture(rleToMask(box), 5), ['00000', '01100', '01100', '01100', '00000']);
  });

  it('gives coco128 masks whose areas follow the annotated polygon areas', async () => {
    const ds = await loadCocoDataset(COCO128_INSTANCES);
    const images = new Map(ds.images.map((im) => [im.id, im]));
    let checked = 0;
    for (const ann of ds.annotations) {
      if (ann.iscrowd || ann.area < 5000) continue;
      const area = rleArea(annotationToRle(ann, images.get(ann.image_id)!));
      // Centre sampling of a large shape is within a few percent of its exact area.
      assert.ok(Math.abs(area - ann.area) < 0.05 * ann.area, `annotation ${ann.id}: ${area}`);
      checked++;
    }
    assert.ok(checked > 200);
  });
});
