import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CocoAnnotation, CocoDataset, CocoDetection } from '../../src/coco/coco-dataset.js';
import { CocoFormatError } from '../../src/coco/errors.js';
import { evaluate, type IouType } from '../../src/coco/evaluate.js';
import { polygonToRle } from '../../src/coco/polygon.js';
import { encodeRle } from '../../src/coco/rle.js';

type Box = [number, number, number, number];
const SIZE = 200;
const IOU_TYPES: IouType[] = ['segm', 'bbox'];

/** pycocotools' precision is tp / (tp + fp + 2^-52), so a perfect score is 1 - 2^-52. */
function assertClose(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual}, expected ${expected}`);
}

const polygon = ([x, y, w, h]: Box) => [x, y, x, y + h, x + w, y + h, x + w, y];

/** Ground truth: rectangles on 200×200 images 1 and 2, categories 1..3. */
function dataset(objects: Array<{ image: number; category: number; box: Box; crowd?: boolean }>) {
  const annotations = objects.map(({ image, category, box, crowd }, i): CocoAnnotation => {
    const counts = [...polygonToRle(polygon(box), SIZE, SIZE).counts];
    return {
      id: i + 1,
      image_id: image,
      category_id: category,
      iscrowd: crowd ? 1 : 0,
      area: box[2] * box[3],
      bbox: box,
      // Crowd regions come as uncompressed RLE, as in COCO's own files.
      segmentation: crowd ? { size: [SIZE, SIZE], counts } : [polygon(box)],
    };
  });
  const images = [1, 2].map((id) => ({ id, width: SIZE, height: SIZE, file_name: `${id}.jpg` }));
  const categories = [1, 2, 3].map((id) => ({ id, name: `c${id}` }));
  return { images, annotations, categories } satisfies CocoDataset;
}

function detection(image: number, category: number, box: Box, score: number): CocoDetection {
  return {
    image_id: image,
    category_id: category,
    score,
    bbox: box,
    segmentation: encodeRle(polygonToRle(polygon(box), SIZE, SIZE)),
  };
}

const OBJECTS = [
  { image: 1, category: 1, box: [10, 10, 40, 30] as Box },
  { image: 1, category: 1, box: [100, 100, 50, 60] as Box },
  { image: 2, category: 1, box: [5, 5, 20, 20] as Box },
  { image: 2, category: 2, box: [60, 20, 30, 80] as Box },
];

describe('evaluate', () => {
  for (const iouType of IOU_TYPES) {
    describe(iouType, () => {
      it('scores perfect detections 1', () => {
        const dets = OBJECTS.map((o, i) => detection(o.image, o.category, o.box, 0.9 - i * 0.1));
        const s = evaluate(dataset(OBJECTS), dets, iouType);
        assertClose(s.ap, 1);
        assertClose(s.ap50, 1);
        assertClose(s.ap75, 1);
        assert.deepEqual([...s.apByCategory.keys()], [1, 2]);
        for (const ap of s.apByCategory.values()) assertClose(ap, 1);
      });

      it('scores no detections 0', () => {
        const s = evaluate(dataset(OBJECTS), [], iouType);
        assert.equal(s.ap, 0);
        assert.equal(s.ap50, 0);
      });

      it('credits a shifted detection at the thresholds its IoU reaches', () => {
        // 10×10 shifted 2 px: IoU = 80 / 120 = 2/3 passes .50 .55 .60 .65, fails .70 … .95.
        const gt = dataset([{ image: 1, category: 1, box: [10, 10, 10, 10] }]);
        const s = evaluate(gt, [detection(1, 1, [12, 10, 10, 10], 0.8)], iouType);
        assertClose(s.ap, 4 / 10);
        assertClose(s.ap50, 1);
        assert.equal(s.ap75, 0);
      });

      it('ignores detections in crowd regions', () => {
        const person = { image: 1, category: 1, box: [0, 0, 10, 10] as Box };
        const crowd = { image: 1, category: 1, box: [20, 20, 40, 40] as Box };
        const dets = [detection(1, 1, [22, 22, 10, 10], 0.9), detection(1, 1, person.box, 0.5)];
        const withCrowd = evaluate(dataset([person, { ...crowd, crowd: true }]), dets, iouType);
        assertClose(withCrowd.ap, 1);
        // The same detection with nothing there is a false positive ranked first.
        const withoutCrowd = evaluate(dataset([person]), dets, iouType);
        assertClose(withoutCrowd.ap, 0.5);
      });

      it('counts at most 100 detections per image, best first', () => {
        const gt = dataset([{ image: 1, category: 1, box: [150, 150, 20, 20] }]);
        const misses = (n: number) =>
          Array.from({ length: n }, (_, i) =>
            detection(1, 1, [(i % 10) * 12, Math.floor(i / 10) * 12, 5, 5], 0.9),
          );
        const hit = detection(1, 1, [150, 150, 20, 20], 0.5);
        assert.equal(evaluate(gt, [...misses(100), hit], iouType).ap, 0);
        // As the 100th it is found at precision 1/100.
        const s = evaluate(gt, [...misses(99), hit], iouType);
        assertClose(s.ap, 0.01);
      });

      it('leaves out categories without ground truth and drops unknown ones', () => {
        const dets = [
          ...OBJECTS.map((o) => detection(o.image, o.category, o.box, 0.9)),
          detection(1, 3, [0, 0, 30, 30], 0.95),
          detection(1, 99, [0, 0, 30, 30], 0.95),
        ];
        const s = evaluate(dataset(OBJECTS), dets, iouType);
        assertClose(s.ap, 1);
        assert.equal(s.apByCategory.has(3), false);
      });

      it('scores object sizes separately, -1 where there are none', () => {
        const objects = [
          { image: 1, category: 1, box: [10, 10, 20, 20] as Box }, // 400 px: small
          { image: 1, category: 1, box: [50, 50, 100, 100] as Box }, // 10000 px: large
        ];
        const dets = [detection(1, 1, [10, 10, 20, 20], 0.9)];
        const s = evaluate(dataset(objects), dets, iouType);
        assertClose(s.apSmall, 1);
        assert.equal(s.apMedium, -1);
        assert.equal(s.apLarge, 0);
        // Over all sizes, recall reaches 1/2: precision 1 at 51 of the 101 recall points.
        assertClose(s.ap, 51 / 101);
      });
    });
  }

  it('restricts to the images asked for', () => {
    const dets = [detection(1, 1, [10, 10, 40, 30], 0.9), detection(1, 1, [100, 100, 50, 60], 0.8)];
    assertClose(evaluate(dataset(OBJECTS), dets, 'bbox', { imageIds: [1] }).ap, 1);
    assert.throws(() => evaluate(dataset(OBJECTS), dets, 'bbox', { imageIds: [7] }), RangeError);
  });

  it('rejects results that do not belong to the dataset', () => {
    const gt = dataset(OBJECTS);
    assert.throws(() => evaluate(gt, [detection(5, 1, [0, 0, 5, 5], 1)], 'bbox'), CocoFormatError);
    const noMask = { ...detection(1, 1, [10, 10, 40, 30], 1), segmentation: undefined };
    assert.throws(() => evaluate(gt, [noMask], 'segm'), CocoFormatError);
    const small = { ...noMask, segmentation: { size: [10, 10] as [number, number], counts: '<1' } };
    assert.throws(() => evaluate(gt, [small], 'segm'), /is \[10, 10\], the image is \[200, 200\]/);
  });
});
