/**
 * The photos a load run sends: coco128's 640×480 frames, as a robot's camera sends them, plus
 * photos of other sizes, so a getMask reply that reaches the wrong caller comes back the wrong
 * size and is caught.
 */
import { readFileSync } from 'node:fs';
import { COCO_DIR } from '../../test/helpers.js';

export interface Photo {
  file: string;
  bytes: Buffer;
  width: number;
  height: number;
}

/** `vga` 640×480 photos and `others` photos of sizes all different from each other and from 640×480. */
export function coco128Photos(vga = 8, others = 8): Photo[] {
  const { images } = JSON.parse(readFileSync(`${COCO_DIR}/instances.json`, 'utf8')) as {
    images: Array<{ file_name: string; width: number; height: number }>;
  };
  const sizes = new Set(['640×480']);
  const chosen = images.filter((image) => {
    const size = `${image.width}×${image.height}`;
    if (size === '640×480') return vga-- > 0;
    if (sizes.has(size) || others <= 0) return false;
    sizes.add(size);
    others--;
    return true;
  });
  return chosen.map(({ file_name: file, width, height }) => ({
    file,
    bytes: readFileSync(`${COCO_DIR}/images/${file}`),
    width,
    height,
  }));
}
