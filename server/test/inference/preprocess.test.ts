import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sampleAxis } from '../../src/inference/bilinear.js';
import { inputSize, toBgrTensor } from '../../src/inference/preprocess.js';
import type { RgbImage } from '../../src/inference/types.js';

const RULE = { shortSide: 320, maxLongSide: 640 };

function closeTo(actual: ArrayLike<number>, expected: number[], tolerance = 1e-4): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tolerance,
      `[${i}] ${actual[i]} ≠ ${expected[i]}`,
    );
  }
}

/** A one-row image whose pixel i is (r, g, b) = (10 i + 1, 10 i + 2, 10 i + 3). */
function row(width: number): RgbImage {
  const data = new Uint8Array(width * 3);
  for (let i = 0; i < width; i++) data.set([10 * i + 1, 10 * i + 2, 10 * i + 3], i * 3);
  return { width, height: 1, data };
}

describe('inputSize', () => {
  test('brings the short side to 320', () => {
    assert.deepEqual(inputSize(640, 480, RULE), { width: 427, height: 320, scale: 320 / 480 });
    assert.deepEqual(inputSize(480, 640, RULE), { width: 320, height: 427, scale: 320 / 480 });
    assert.deepEqual(inputSize(100, 100, RULE), { width: 320, height: 320, scale: 3.2 });
  });

  test('brings the long side to 640 when 320 on the short side would exceed it', () => {
    assert.deepEqual(inputSize(2000, 500, RULE), { width: 640, height: 160, scale: 0.32 });
    assert.deepEqual(inputSize(300, 1200, RULE), { width: 160, height: 640, scale: 640 / 1200 });
  });

  test('keeps 320 when the long side lands exactly on 640', () => {
    assert.deepEqual(inputSize(1280, 640, RULE), { width: 640, height: 320, scale: 0.5 });
  });
});

describe('sampleAxis', () => {
  test('samples at half-pixel centres and clamps at the edges, as OpenCV INTER_LINEAR', () => {
    // Upsampling 2 → 4: source x = (d + 0.5) / 2 − 0.5 = −0.25, 0.25, 0.75, 1.25.
    const up = sampleAxis(2, 4);
    assert.deepEqual([...up.lo], [0, 0, 0, 1]);
    assert.deepEqual([...up.hi], [1, 1, 1, 1]);
    closeTo(up.frac, [0, 0.25, 0.75, 0]);
  });
});

describe('toBgrTensor', () => {
  test('downsamples with hand-computed bilinear weights', () => {
    // 3 → 2 pixels: source x = (d + 0.5) · 1.5 − 0.5 = 0.25 and 1.75.
    const t = toBgrTensor(row(3), { width: 2, height: 1, scale: 2 / 3 });
    const p0 = [1, 2, 3];
    const p1 = [11, 12, 13];
    const p2 = [21, 22, 23];
    const left = p0.map((v, c) => 0.75 * v + 0.25 * p1[c]);
    const right = p1.map((v, c) => 0.25 * v + 0.75 * p2[c]);
    // Planes B, G, R, each [left, right].
    closeTo(t.data, [left[2], right[2], left[1], right[1], left[0], right[0]]);
    assert.deepEqual([t.width, t.height], [2, 1]);
  });

  test('interpolates rows as well as columns', () => {
    // A 2×2 image upsampled to 4×4: the sample at (1, 2) reads source (0.25, 0.75).
    const data = new Uint8Array([0, 0, 0, 40, 40, 40, 80, 80, 80, 200, 200, 200]);
    const t = toBgrTensor({ width: 2, height: 2, data }, { width: 4, height: 4, scale: 2 });
    const top = 0 * 0.75 + 40 * 0.25;
    const bottom = 80 * 0.75 + 200 * 0.25;
    closeTo([t.data[2 * 4 + 1]], [top * 0.25 + bottom * 0.75]);
  });

  test('subtracts BGR means and zero-pads to a multiple', () => {
    const t = toBgrTensor(
      row(3),
      { width: 3, height: 1, scale: 1 },
      { meanBgr: [3, 2, 1], padMultiple: 4 },
    );
    assert.deepEqual([t.width, t.height], [4, 4]);
    const plane = 16;
    closeTo(t.data.subarray(0, 4), [0, 10, 20, 0]);
    closeTo(t.data.subarray(plane, plane + 4), [0, 10, 20, 0]);
    closeTo(t.data.subarray(2 * plane, 2 * plane + 4), [0, 10, 20, 0]);
    assert.ok(t.data.subarray(4, plane).every((v) => v === 0));
  });
});
