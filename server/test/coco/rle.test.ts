import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { CocoDetection } from '../../src/coco/coco-dataset.js';
import { InvalidRleError } from '../../src/coco/errors.js';
import {
  decodeRle,
  encodeBoxMask,
  encodeRle,
  rleArea,
  rleFromUncompressed,
  rleToMask,
  rleToString,
} from '../../src/coco/rle.js';
import { rleToBbox } from '../../src/coco/rle-ops.js';
import type { BoxMask } from '../../src/inference/types.js';
import { REFERENCE_DETECTIONS, seededRandom, slowEncode } from './fixtures.js';

const reference: CocoDetection[] = JSON.parse(readFileSync(REFERENCE_DETECTIONS, 'utf8'));

describe('RLE string form', () => {
  // Worked by hand from maskApi.c rleToString: 5 bits a character, '0' + value, 0x20 set while
  // more follow, runs after the second stored as the difference from the run two before.
  const known: Array<[number[], string]> = [
    [[4], '4'], // an empty 2×2 mask
    [[0, 4], '04'], // a full 2×2 mask: the zero run comes first even when empty
    [[100], 'T3'], // 100 = 4 + 3·32: low group first, with the "more" bit
    [[16], '`0'], // 16 has the sign bit of its group set, so a 0 group must follow
    [[0, 3, 2, 2, 3, 1, 14], '032O1O;'], // deltas 2-3 = -1 ('O'), 3-2 = 1, 1-2 = -1, 14-3 = 11
  ];

  it('writes the strings pycocotools writes', () => {
    for (const [counts, s] of known) assert.equal(rleToString(counts), s, `counts ${counts}`);
  });

  it('reads them back to the same runs', () => {
    for (const [counts, s] of known) {
      const total = counts.reduce((a, b) => a + b, 0);
      const rle = decodeRle({ size: [1, total], counts: s });
      assert.deepEqual([...rle.counts], counts);
    }
  });

  it('round-trips random runs, large and small', () => {
    const random = seededRandom(1);
    for (let trial = 0; trial < 200; trial++) {
      const counts = Array.from({ length: 1 + Math.floor(random() * 40) }, () =>
        Math.floor(random() < 0.5 ? random() * 40 : random() * 2 ** 20),
      );
      const total = counts.reduce((a, b) => a + b, 0);
      const rle = decodeRle({ size: [1, total], counts: rleToString(counts) });
      assert.deepEqual([...rle.counts], counts);
    }
  });

  it('re-encodes every reference detection to the identical string, with a plausible area', () => {
    for (const det of reference) {
      const s = det.segmentation!;
      const rle = decodeRle(s);
      assert.equal(encodeRle(rle).counts, s.counts);
      // The mask lies in the detection's box (+1 px for rounding) and does not overflow it.
      const [x, y, w, h] = det.bbox;
      const area = rleArea(rle);
      assert.ok(area <= (w + 1) * (h + 1), `area ${area} exceeds box ${det.bbox}`);
      if (area > 0) {
        const [mx, my, mw, mh] = rleToBbox(rle);
        assert.ok(mx >= Math.floor(x) - 1 && mx + mw <= Math.ceil(x + w) + 1, `x in ${det.bbox}`);
        assert.ok(my >= Math.floor(y) - 1 && my + mh <= Math.ceil(y + h) + 1, `y in ${det.bbox}`);
      }
    }
    const nonEmpty = reference.filter((d) => rleArea(decodeRle(d.segmentation!)) > 0).length;
    assert.ok(nonEmpty > 0.95 * reference.length, `${nonEmpty} of ${reference.length} non-empty`);
  });

  it('rejects strings that cannot describe the stated size', () => {
    assert.throws(() => decodeRle({ size: [2, 2], counts: '5' }), InvalidRleError);
    assert.throws(() => decodeRle({ size: [2, 2], counts: '0~' }), InvalidRleError);
    assert.throws(() => decodeRle({ size: [2, 2], counts: 'T' }), InvalidRleError);
    assert.throws(() => decodeRle({ size: [2, -2], counts: '' }), RangeError);
  });
});

describe('uncompressed RLE (crowd regions)', () => {
  it('takes the runs as given', () => {
    const rle = rleFromUncompressed({ size: [2, 3], counts: [1, 2, 3] });
    assert.deepEqual([...rle.counts], [1, 2, 3]);
    assert.equal(rleArea(rle), 2);
    // Runs go down columns: pixels (x0,y1) and (x1,y0) are set.
    assert.deepEqual([...rleToMask(rle)], [0, 1, 0, 1, 0, 0]);
  });

  it('rejects runs that do not add up or are not whole numbers', () => {
    assert.throws(() => rleFromUncompressed({ size: [2, 3], counts: [1, 2] }), InvalidRleError);
    assert.throws(() => rleFromUncompressed({ size: [1, 2], counts: [1.5, 0.5] }), InvalidRleError);
  });
});

describe('encodeBoxMask', () => {
  /** The box window of a full row-major mask. */
  function windowOf(full: Uint8Array, width: number, box: Omit<BoxMask, 'data'>): BoxMask {
    const data = new Uint8Array(box.width * box.height);
    for (let y = 0; y < box.height; y++) {
      for (let x = 0; x < box.width; x++) {
        const fx = box.x0 + x;
        const fy = box.y0 + y;
        const inside = fx >= 0 && fx < width && fy >= 0 && fy < full.length / width;
        data[y * box.width + x] = inside ? full[fy * width + fx] : 0;
      }
    }
    return { ...box, data };
  }

  it('equals the slow whole-image encoding on random masks and windows', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 400; trial++) {
      const height = 1 + Math.floor(random() * 30);
      const width = 1 + Math.floor(random() * 30);
      // Windows may hang over any edge of the image, or miss it entirely.
      const box = {
        x0: Math.floor(random() * (width + 10)) - 5,
        y0: Math.floor(random() * (height + 10)) - 5,
        width: Math.floor(random() * (width + 5)),
        height: Math.floor(random() * (height + 5)),
      };
      const density = [0, 0.1, 0.5, 0.9, 1][trial % 5];
      const data = Uint8Array.from({ length: box.width * box.height }, () =>
        random() < density ? 1 : 0,
      );
      const full = new Uint8Array(height * width);
      for (let y = 0; y < box.height; y++) {
        for (let x = 0; x < box.width; x++) {
          const fx = box.x0 + x;
          const fy = box.y0 + y;
          if (fx >= 0 && fx < width && fy >= 0 && fy < height) {
            full[fy * width + fx] = data[y * box.width + x];
          }
        }
      }
      const fast = encodeBoxMask({ ...box, data }, height, width);
      assert.deepEqual(fast.size, [height, width]);
      assert.equal(
        fast.counts,
        rleToString(slowEncode(full, height, width)),
        `trial ${trial}: ${JSON.stringify(box)} in ${height}×${width}`,
      );
    }
  });

  it('re-creates the reference strings from each mask cut to its box', () => {
    for (const det of reference.filter((_, i) => i % 10 === 0)) {
      const rle = decodeRle(det.segmentation!);
      const [x0, y0, w, h] = rleToBbox(rle);
      const mask = windowOf(rleToMask(rle), rle.width, { x0, y0, width: w, height: h });
      assert.equal(encodeBoxMask(mask, rle.height, rle.width).counts, det.segmentation!.counts);
    }
  });

  it('treats any nonzero byte as mask', () => {
    const a = encodeBoxMask(
      { x0: 1, y0: 1, width: 2, height: 1, data: Uint8Array.of(255, 0) },
      3,
      3,
    );
    const b = encodeBoxMask({ x0: 1, y0: 1, width: 2, height: 1, data: Uint8Array.of(1, 0) }, 3, 3);
    assert.deepEqual(a, b);
    assert.deepEqual([...decodeRle(a).counts], [4, 1, 4]);
  });

  it('rejects data of the wrong length', () => {
    assert.throws(
      () => encodeBoxMask({ x0: 0, y0: 0, width: 2, height: 2, data: new Uint8Array(3) }, 4, 4),
      { name: 'RangeError', message: 'mask.data must hold width × height = 4 bytes, got 3' },
    );
  });
});
