import type { BoxMask, Instance, RgbImage } from '../../src/inference/types.js';

/**
 * A 640×480 frame with a crowded scene drawn over it: eleven instances, best first, with
 * overlapping boxes whose captions compete for room, one at the top edge and one at the right
 * edge. Synthetic so that no photo goes into the repository.
 */
export function crowdedScene(): { image: RgbImage; instances: Instance[] } {
  const width = 640;
  const height = 480;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0, o = 0; y < height; y++) {
    for (let x = 0; x < width; x++, o += 3) {
      // Smooth colour with a coarse checker so text contrast is tested on light and dark.
      const checker = ((x >> 5) + (y >> 5)) & 1 ? 40 : 0;
      data[o] = (x * 200) / width + checker;
      data[o + 1] = (y * 180) / height + checker;
      data[o + 2] = 200 - (x * 100) / width;
    }
  }
  const boxes: Array<[string, number, [number, number, number, number]]> = [
    ['person', 0.99, [60, 90, 259, 459]],
    ['person', 0.97, [80, 100, 239, 449]],
    ['dog', 0.95, [300, 250, 519, 419]],
    ['teddy bear', 0.91, [310, 260, 489, 409]],
    ['cup', 0.88, [420, 2, 499, 81]],
    ['bicycle', 0.84, [520, 180, 639, 339]],
    ['chair', 0.8, [100, 120, 219, 259]],
    ['potted plant', 0.76, [10, 10, 129, 149]],
    ['cell phone', 0.7, [330, 270, 409, 339]],
    ['bottle', 0.66, [560, 20, 599, 139]],
    ['book', 0.61, [230, 60, 329, 119]],
  ];
  const instances = boxes.map(
    ([label, score, box], i): Instance => ({
      classId: i + 1,
      label,
      score,
      box,
      mask: ellipseMask(box, width, height),
    }),
  );
  return { image: { width, height, data }, instances };
}

/** An ellipse filling the box, as a model's mask would roughly fill its box. */
function ellipseMask(
  [x1, y1, x2, y2]: [number, number, number, number],
  imageWidth: number,
  imageHeight: number,
): BoxMask {
  const x0 = Math.max(0, x1);
  const y0 = Math.max(0, y1);
  const width = Math.min(imageWidth - 1, x2) - x0 + 1;
  const height = Math.min(imageHeight - 1, y2) - y0 + 1;
  const cx = (x1 + x2) / 2;
  const cy = (y1 + y2) / 2;
  const rx = (x2 - x1) / 2;
  const ry = (y2 - y1) / 2;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = (x + x0 - cx) / rx;
      const dy = (y + y0 - cy) / ry;
      data[y * width + x] = dx * dx + dy * dy <= 0.85 ? 1 : 0;
    }
  }
  return { x0, y0, width, height, data };
}
