import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  COCO_CATEGORY_IDS,
  COCO_CLASS_NAMES,
  cocoClassName,
  fromCocoCategoryId,
  toCocoCategoryId,
} from '../../src/inference/coco-classes.js';
import { COCO_DIR } from '../helpers.js';

describe('coco-classes', () => {
  test('lists 80 classes whose names and ids agree with the COCO annotation file', () => {
    const { categories } = JSON.parse(readFileSync(`${COCO_DIR}/instances.json`, 'utf8')) as {
      categories: { id: number; name: string }[];
    };
    assert.equal(COCO_CLASS_NAMES.length, 80);
    assert.deepEqual(
      COCO_CLASS_NAMES.map((name, i) => ({ id: COCO_CATEGORY_IDS[i], name })),
      categories.map(({ id, name }) => ({ id, name })),
    );
  });

  test('maps contiguous ids to category ids and back', () => {
    assert.equal(cocoClassName(1), 'person');
    assert.equal(cocoClassName(80), 'toothbrush');
    assert.equal(toCocoCategoryId(12), 13);
    assert.equal(toCocoCategoryId(80), 90);
    for (let classId = 1; classId <= 80; classId++) {
      assert.equal(fromCocoCategoryId(toCocoCategoryId(classId)), classId);
    }
    assert.equal(fromCocoCategoryId(12), undefined);
  });

  test('rejects ids outside 1..80', () => {
    assert.throws(() => cocoClassName(0), {
      name: 'RangeError',
      message: 'classId must be 1..80, got 0',
    });
    assert.throws(() => toCocoCategoryId(81), { name: 'RangeError' });
  });
});
