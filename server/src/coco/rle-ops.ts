/**
 * Set operations and overlaps on decoded RLEs and on [x, y, w, h] boxes, ported from
 * pycocotools' maskApi.c (`rleMerge`, `rleToBbox`, `bbIou`, `rleIou`) so that IoUs, and with
 * them COCO scores, agree with pycocotools to the last bit.
 */

import type { Rle } from './rle.js';
import { rleArea } from './rle.js';

/** A box as COCO stores it: [x, y, width, height] in pixels, no "+1". */
export type XywhBox = readonly [number, number, number, number];

/**
 * The union (or, with `intersect`, the intersection) of RLEs of one size, as maskApi.c
 * `rleMerge`. Throws RangeError when the list is empty or the sizes differ.
 */
export function rleMerge(rles: readonly Rle[], intersect = false): Rle {
  if (rles.length === 0) throw new RangeError('rleMerge needs at least one RLE, got none');
  const { height, width } = rles[0];
  let acc = rles[0].counts;
  for (let r = 1; r < rles.length; r++) {
    const B = rles[r];
    if (B.height !== height || B.width !== width) {
      throw new RangeError(
        `RLE sizes must match: [${height}, ${width}] and [${B.height}, ${B.width}]`,
      );
    }
    const out: number[] = [];
    let ca = acc[0];
    let cb = B.counts[0];
    let v = false;
    let va = false;
    let vb = false;
    let a = 1;
    let b = 1;
    let cc = 0;
    let ct = 1;
    while (ct > 0) {
      const c = Math.min(ca, cb);
      cc += c;
      ct = 0;
      ca -= c;
      if (!ca && a < acc.length) {
        ca = acc[a++];
        va = !va;
      }
      ct += ca;
      cb -= c;
      if (!cb && b < B.counts.length) {
        cb = B.counts[b++];
        vb = !vb;
      }
      ct += cb;
      const vp: boolean = v;
      v = intersect ? va && vb : va || vb;
      if (v !== vp || ct === 0) {
        out.push(cc);
        cc = 0;
      }
    }
    acc = Uint32Array.from(out);
  }
  return { height, width, counts: acc === rles[0].counts ? acc.slice() : acc };
}

/**
 * The tight [x, y, w, h] box of an RLE's pixels, as maskApi.c `rleToBbox` (which widens to the
 * full height when a run wraps from one column to the next). An empty mask gives [0, 0, 0, 0].
 */
export function rleToBbox(rle: Rle): [number, number, number, number] {
  const { height: h, width: w, counts } = rle;
  const m = counts.length - (counts.length % 2);
  if (m === 0) return [0, 0, 0, 0];
  let xs = w;
  let ys = h;
  let xe = 0;
  let ye = 0;
  let cc = 0;
  let xp = 0;
  for (let j = 0; j < m; j++) {
    cc += counts[j];
    const t = cc - (j % 2);
    const y = t % h;
    const x = (t - y) / h;
    if (j % 2 === 0) xp = x;
    else if (xp < x) {
      ys = 0;
      ye = h - 1;
    }
    xs = Math.min(xs, x);
    xe = Math.max(xe, x);
    ys = Math.min(ys, y);
    ye = Math.max(ye, y);
  }
  return [xs, ys, xe - xs + 1, ye - ys + 1];
}

/**
 * IoU of every detection box with every ground-truth box (maskApi.c `bbIou`), as a
 * Float64Array indexed `d * gt.length + g`. Against a crowd ground truth the overlap is divided
 * by the detection's area alone, so a detection inside a crowd region scores 1.
 */
export function bboxIou(
  dt: readonly XywhBox[],
  gt: readonly XywhBox[],
  iscrowd: readonly boolean[],
): Float64Array {
  const o = new Float64Array(dt.length * gt.length);
  for (let g = 0; g < gt.length; g++) {
    const G = gt[g];
    const ga = G[2] * G[3];
    for (let d = 0; d < dt.length; d++) {
      const D = dt[d];
      const da = D[2] * D[3];
      const w = Math.min(D[2] + D[0], G[2] + G[0]) - Math.max(D[0], G[0]);
      if (w <= 0) continue;
      const h = Math.min(D[3] + D[1], G[3] + G[1]) - Math.max(D[1], G[1]);
      if (h <= 0) continue;
      const i = w * h;
      o[d * gt.length + g] = i / (iscrowd[g] ? da : da + ga - i);
    }
  }
  return o;
}

/**
 * IoU of every detection mask with every ground-truth mask (maskApi.c `rleIou`), as a
 * Float64Array indexed `d * gt.length + g`. Against a crowd ground truth the intersection is
 * divided by the detection's area. Pairs of different image sizes get -1, as in pycocotools.
 */
export function rleIou(
  dt: readonly Rle[],
  gt: readonly Rle[],
  iscrowd: readonly boolean[],
): Float64Array {
  // The boxes are a cheap test that skips pairs that cannot overlap.
  const o = bboxIou(dt.map(rleToBbox), gt.map(rleToBbox), iscrowd);
  for (let g = 0; g < gt.length; g++) {
    for (let d = 0; d < dt.length; d++) {
      const k = d * gt.length + g;
      if (o[k] > 0) o[k] = maskIou(dt[d], gt[g], iscrowd[g]);
    }
  }
  return o;
}

function maskIou(D: Rle, G: Rle, crowd: boolean): number {
  if (D.height !== G.height || D.width !== G.width) return -1;
  const A = D.counts;
  const B = G.counts;
  let ca = A[0];
  let cb = B[0];
  let va = false;
  let vb = false;
  let a = 1;
  let b = 1;
  let i = 0;
  let u = 0;
  let ct = 1;
  while (ct > 0) {
    const c = Math.min(ca, cb);
    if (va || vb) {
      u += c;
      if (va && vb) i += c;
    }
    ct = 0;
    ca -= c;
    if (!ca && a < A.length) {
      ca = A[a++];
      va = !va;
    }
    ct += ca;
    cb -= c;
    if (!cb && b < B.length) {
      cb = B[b++];
      vb = !vb;
    }
    ct += cb;
  }
  if (i === 0) u = 1;
  else if (crowd) u = rleArea(D);
  return i / u;
}
