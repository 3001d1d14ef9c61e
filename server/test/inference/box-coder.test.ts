import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BBOX_XFORM_CLIP,
  type BoxWeights,
  clipBox,
  decodeBox,
  iou,
} from '../../src/inference/box-coder.js';

function decode(box: number[], deltas: number[], weights: BoxWeights = [1, 1, 1, 1]): number[] {
  const out = new Float32Array(4);
  decodeBox(box, 0, deltas, 0, weights, out, 0);
  return [...out];
}

describe('decodeBox', () => {
  test('returns the box itself for zero deltas (+1 widths, x2 = centre + w/2 − 1)', () => {
    assert.deepEqual(decode([10, 20, 29, 59], [0, 0, 0, 0]), [10, 20, 29, 59]);
  });

  test('shifts by dx · width and scales by exp(dw), after dividing by the weights', () => {
    // Width 10, centre 5: dx 1 (÷10) moves the centre by 1 px; dw ln2 (÷5 from 5 ln2) doubles it.
    assert.deepEqual(decode([0, 0, 9, 9], [1, 0, 5 * Math.LN2, 0], [10, 10, 5, 5]), [-4, 0, 15, 9]);
  });

  test('clamps dw and dh at log(1000/16)', () => {
    const [x1, y1, x2, y2] = decode([0, 0, 15, 15], [0, 0, 100, BBOX_XFORM_CLIP]);
    assert.ok(Math.abs(x2 - x1 + 1 - 1000) < 1e-3);
    assert.ok(Math.abs(y2 - y1 + 1 - 1000) < 1e-3);
  });
});

describe('clipBox', () => {
  test('clips every coordinate to the last pixel of the image', () => {
    const boxes = new Float32Array([-5, 3, 700, 500]);
    clipBox(boxes, 0, 640, 480);
    assert.deepEqual([...boxes], [0, 3, 639, 479]);
  });
});

describe('iou', () => {
  test('uses +1 areas', () => {
    const boxes = new Float32Array([0, 0, 9, 9, 5, 0, 14, 9, 10, 0, 19, 9]);
    assert.equal(iou(boxes, 0, 1), 50 / 150);
    assert.equal(iou(boxes, 0, 2), 0);
    assert.equal(iou(boxes, 1, 1), 1);
  });
});
