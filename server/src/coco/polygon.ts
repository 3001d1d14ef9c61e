/**
 * Rasterises COCO polygons exactly as pycocotools does (maskApi.c `rleFrPoly`), so ground-truth
 * masks are pixel for pixel COCO's own. Pixel (x, y) covers [x, x+1) × [y, y+1); the outline is
 * walked on a 5× finer grid, and a pixel is mask when the outline, snapped to that grid,
 * encloses its centre (x + 0.5, y + 0.5).
 */

import type { Rle } from './rle.js';
import { rleMerge } from './rle-ops.js';

const SCALE = 5;

/**
 * One polygon [x1, y1, x2, y2, …] in pixel coordinates to an RLE of height × width pixels, as
 * maskApi.c `rleFrPoly`. Parts outside the image are cut off.
 */
export function polygonToRle(xy: readonly number[], height: number, width: number): Rle {
  const k = xy.length >> 1;
  // Integer corners on the fine grid (C's (int) cast truncates toward zero).
  const x = new Int32Array(k + 1);
  const y = new Int32Array(k + 1);
  for (let j = 0; j < k; j++) x[j] = Math.trunc(SCALE * xy[j * 2] + 0.5);
  for (let j = 0; j < k; j++) y[j] = Math.trunc(SCALE * xy[j * 2 + 1] + 0.5);
  x[k] = x[0];
  y[k] = y[0];

  // Every fine-grid point along the outline, one per step of the longer axis of each edge.
  let n = 0;
  for (let j = 0; j < k; j++) {
    n += Math.max(Math.abs(x[j] - x[j + 1]), Math.abs(y[j] - y[j + 1])) + 1;
  }
  const u = new Int32Array(n);
  const v = new Int32Array(n);
  n = 0;
  for (let j = 0; j < k; j++) {
    let xs = x[j];
    let xe = x[j + 1];
    let ys = y[j];
    let ye = y[j + 1];
    const dx = Math.abs(xe - xs);
    const dy = Math.abs(ys - ye);
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      [xs, xe] = [xe, xs];
      [ys, ye] = [ye, ys];
    }
    // A zero-length edge gives NaN here, as in C; its single point is never read below.
    const s = dx >= dy ? (ye - ys) / dx : (xe - xs) / dy;
    if (dx >= dy) {
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        u[n] = t + xs;
        v[n] = Math.trunc(ys + s * t + 0.5);
        n++;
      }
    } else {
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        v[n] = t + ys;
        u[n] = Math.trunc(xs + s * t + 0.5);
        n++;
      }
    }
  }

  // Where the outline crosses a pixel column's centre line, the first pixel inside (or leaving).
  const starts: number[] = [];
  for (let j = 1; j < n; j++) {
    if (u[j] === u[j - 1]) continue;
    let xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
    xd = (xd + 0.5) / SCALE - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > width - 1) continue;
    let yd = Math.min(v[j], v[j - 1]);
    yd = (yd + 0.5) / SCALE - 0.5;
    if (yd < 0) yd = 0;
    else if (yd > height) yd = height;
    yd = Math.ceil(yd);
    starts.push(xd * height + yd);
  }

  // Sorted column-major positions of those boundary crossings become run lengths; two crossings
  // at one position cancel out.
  const a = new Uint32Array(starts.length + 1);
  a.set(starts);
  a[starts.length] = height * width;
  a.sort();
  let p = 0;
  for (let j = 0; j < a.length; j++) {
    const t = a[j];
    a[j] -= p;
    p = t;
  }
  const counts: number[] = [a[0]];
  for (let j = 1; j < a.length; ) {
    if (a[j] > 0) {
      counts.push(a[j++]);
    } else {
      j++;
      if (j < a.length) counts[counts.length - 1] += a[j++];
    }
  }
  return { height, width, counts: Uint32Array.from(counts) };
}

/**
 * A COCO polygon annotation (one or more polygons) to one RLE of height × width pixels: their
 * union, as pycocotools `annToRLE`. Like pycocotools `frPyObjects`, a list whose first entry
 * has exactly four numbers is read as [x, y, w, h] boxes. Throws RangeError for an empty list.
 */
export function polygonsToRle(polys: readonly number[][], height: number, width: number): Rle {
  if (polys.length === 0) throw new RangeError('polys must hold at least one polygon, got none');
  const parts = polys.map((p) =>
    polys[0].length === 4 ? boxToRle(p, height, width) : polygonToRle(p, height, width),
  );
  return rleMerge(parts);
}

/** maskApi.c `rleFrBbox`: the box's four corners as a polygon. */
function boxToRle(box: readonly number[], height: number, width: number): Rle {
  const [xs, ys, w, h] = box;
  const xe = xs + w;
  const ye = ys + h;
  return polygonToRle([xs, ys, xs, ye, xe, ye, xe, ys], height, width);
}
