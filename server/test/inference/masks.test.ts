import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pasteMask } from '../../src/inference/masks.js';

const M = 24;

/** The columns (or rows) of a mask window holding at least one 1. */
function extent(mask: { width: number; height: number; data: Uint8Array }, axis: 'x' | 'y') {
  const hits: number[] = [];
  for (let y = 0; y < mask.height; y++) {
    for (let x = 0; x < mask.width; x++) {
      if (mask.data[y * mask.width + x]) hits.push(axis === 'x' ? x : y);
    }
  }
  return [Math.min(...hits), Math.max(...hits)];
}

describe('pasteMask', () => {
  test('fills a box from a map of ones, the Detectron way', () => {
    // Box 10..33 (24 px): the padded 26-px map spans the box grown by 26/24 about its centre,
    // truncated to 9..33 (25 px); its zero border falls on window columns 0 and 24.
    const ones = new Float32Array(M * M).fill(1);
    const mask = pasteMask(ones, 0, M, [10, 10, 33, 33], 100, 100);
    assert.deepEqual([mask.x0, mask.y0, mask.width, mask.height], [9, 9, 25, 25]);
    assert.deepEqual(extent(mask, 'x'), [1, 23]);
    assert.deepEqual(extent(mask, 'y'), [1, 23]);
    assert.equal(mask.data.length, 25 * 25);
  });

  test('reads the map at the given offset and thresholds at 0.5', () => {
    // Two maps; the second is 1 in its left half only.
    const maps = new Float32Array(2 * M * M);
    for (let y = 0; y < M; y++) maps.fill(1, M * M + y * M, M * M + y * M + M / 2);
    // Box 0..47: window −1..48 (50 px, clipped to start at 0), 26/50 map pixels per pixel.
    // Column 0 samples map x 0.28 (0.28 of the way into the ones: below 0.5); the ones end
    // half a map pixel past map x 12, i.e. at window column 24.5: image column 23.
    const mask = pasteMask(maps, M * M, M, [0, 0, 47, 47], 48, 48);
    assert.equal(mask.x0, 0);
    assert.deepEqual(extent(mask, 'x'), [1, 23]);
  });

  test('stores only the part of the window inside the image', () => {
    const ones = new Float32Array(M * M).fill(1);
    const mask = pasteMask(ones, 0, M, [80, 90, 99, 99], 100, 100);
    assert.equal(mask.x0 + mask.width, 100);
    assert.equal(mask.y0 + mask.height, 100);
    assert.equal(mask.data.length, mask.width * mask.height);
  });
});
