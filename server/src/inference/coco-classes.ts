/**
 * The 80 COCO classes in the models' contiguous order (class id 1..80; 0 is background), each
 * with the COCO dataset's own category id (1..90 with gaps). Detections use the contiguous
 * id; COCO annotation and result files use the category id, so evaluation must map between them.
 */
const CLASSES: ReadonlyArray<readonly [name: string, cocoCategoryId: number]> = [
  ['person', 1],
  ['bicycle', 2],
  ['car', 3],
  ['motorcycle', 4],
  ['airplane', 5],
  ['bus', 6],
  ['train', 7],
  ['truck', 8],
  ['boat', 9],
  ['traffic light', 10],
  ['fire hydrant', 11],
  ['stop sign', 13],
  ['parking meter', 14],
  ['bench', 15],
  ['bird', 16],
  ['cat', 17],
  ['dog', 18],
  ['horse', 19],
  ['sheep', 20],
  ['cow', 21],
  ['elephant', 22],
  ['bear', 23],
  ['zebra', 24],
  ['giraffe', 25],
  ['backpack', 27],
  ['umbrella', 28],
  ['handbag', 31],
  ['tie', 32],
  ['suitcase', 33],
  ['frisbee', 34],
  ['skis', 35],
  ['snowboard', 36],
  ['sports ball', 37],
  ['kite', 38],
  ['baseball bat', 39],
  ['baseball glove', 40],
  ['skateboard', 41],
  ['surfboard', 42],
  ['tennis racket', 43],
  ['bottle', 44],
  ['wine glass', 46],
  ['cup', 47],
  ['fork', 48],
  ['knife', 49],
  ['spoon', 50],
  ['bowl', 51],
  ['banana', 52],
  ['apple', 53],
  ['sandwich', 54],
  ['orange', 55],
  ['broccoli', 56],
  ['carrot', 57],
  ['hot dog', 58],
  ['pizza', 59],
  ['donut', 60],
  ['cake', 61],
  ['chair', 62],
  ['couch', 63],
  ['potted plant', 64],
  ['bed', 65],
  ['dining table', 67],
  ['toilet', 70],
  ['tv', 72],
  ['laptop', 73],
  ['mouse', 74],
  ['remote', 75],
  ['keyboard', 76],
  ['cell phone', 77],
  ['microwave', 78],
  ['oven', 79],
  ['toaster', 80],
  ['sink', 81],
  ['refrigerator', 82],
  ['book', 84],
  ['clock', 85],
  ['vase', 86],
  ['scissors', 87],
  ['teddy bear', 88],
  ['hair drier', 89],
  ['toothbrush', 90],
];

/** Class names by contiguous id: `COCO_CLASS_NAMES[classId - 1]` for classId 1..80. */
export const COCO_CLASS_NAMES: readonly string[] = CLASSES.map(([name]) => name);

/** COCO category ids by contiguous id: `COCO_CATEGORY_IDS[classId - 1]` for classId 1..80. */
export const COCO_CATEGORY_IDS: readonly number[] = CLASSES.map(([, id]) => id);

const CLASS_ID_BY_CATEGORY = new Map(COCO_CATEGORY_IDS.map((categoryId, i) => [categoryId, i + 1]));

/** The COCO name of contiguous class id 1..80; throws RangeError for any other id. */
export function cocoClassName(classId: number): string {
  const name = COCO_CLASS_NAMES[classId - 1];
  if (name === undefined) throw new RangeError(`classId must be 1..80, got ${classId}`);
  return name;
}

/** The COCO dataset category id (1..90) of contiguous class id 1..80; throws RangeError otherwise. */
export function toCocoCategoryId(classId: number): number {
  const id = COCO_CATEGORY_IDS[classId - 1];
  if (id === undefined) throw new RangeError(`classId must be 1..80, got ${classId}`);
  return id;
}

/** The contiguous class id of a COCO category id, or undefined for the 10 unused ids. */
export function fromCocoCategoryId(categoryId: number): number | undefined {
  return CLASS_ID_BY_CATEGORY.get(categoryId);
}
