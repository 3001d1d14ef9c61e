/**
 * COCO's run-length encoding of binary masks, bit for bit as pycocotools' maskApi.c writes it:
 * the image is read down its columns (Fortran order), the runs alternate 0,1,0,… starting with
 * a (possibly empty) run of zeros, and the JSON form packs the runs into a string with
 * `rleToString`'s 5-bits-per-character scheme, each run after the second stored as the
 * difference from the run two before it.
 */
// Hand-written: npm has no maintained port of pycocotools' maskApi (only unfinished experiments).

import type { BoxMask } from '../inference/types.js';
import { InvalidRleError } from './errors.js';

/** A mask as COCO JSON stores it: `size` is [height, width] in pixels, `counts` the packed runs. */
export interface CompressedRle {
  size: [number, number];
  counts: string;
}

/** A mask as COCO JSON stores crowd regions: `counts` are the run lengths themselves. */
export interface UncompressedRle {
  size: [number, number];
  counts: number[];
}

/** A decoded RLE: run lengths in pixels down the columns, zeros first, summing to height × width. */
export interface Rle {
  height: number;
  width: number;
  counts: Uint32Array;
}

/** The character of a 5-bit group is 48 + the group, with 0x20 set while more groups follow. */
const CHAR_OFFSET = 48;

/** Packs run lengths into COCO's string form (maskApi.c `rleToString`); counts must be < 2^31. */
export function rleToString(counts: ArrayLike<number>): string {
  // A 31-bit difference needs at most 7 groups of 5 bits.
  const chars = Buffer.allocUnsafe(counts.length * 7);
  let p = 0;
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i];
    if (i > 2) x -= counts[i - 2];
    for (;;) {
      let c = x & 0x1f;
      x >>= 5;
      const more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      chars[p++] = c + CHAR_OFFSET;
      if (!more) break;
    }
  }
  return chars.toString('latin1', 0, p);
}

/**
 * Unpacks COCO's string form (maskApi.c `rleFrString`). Throws InvalidRleError when a character
 * is outside '0'..'o', the string ends inside a number, a run is negative, or the runs do not
 * add up to height × width.
 */
export function decodeRle(rle: CompressedRle): Rle {
  const [height, width] = checkSize(rle.size);
  const s = rle.counts;
  const counts = new Uint32Array(s.length);
  let m = 0;
  let total = 0;
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let weight = 1;
    for (;;) {
      if (p >= s.length) throw new InvalidRleError(`RLE string ends inside a number: "${s}"`);
      const c = s.charCodeAt(p++) - CHAR_OFFSET;
      if (c < 0 || c > 0x3f) {
        throw new InvalidRleError(`RLE string has a character outside '0'..'o' at ${p - 1}`);
      }
      x += (c & 0x1f) * weight;
      weight *= 32;
      if (!(c & 0x20)) {
        if (c & 0x10) x -= weight;
        break;
      }
    }
    if (m > 2) x += counts[m - 2];
    if (x < 0) throw new InvalidRleError(`RLE run ${m} is negative (${x})`);
    counts[m++] = x;
    total += x;
  }
  if (total !== height * width) {
    throw new InvalidRleError(
      `RLE runs add up to ${total} pixels, expected ${height * width} for size [${height}, ${width}]`,
    );
  }
  return { height, width, counts: counts.slice(0, m) };
}

/** Packs a decoded RLE into its JSON form. */
export function encodeRle(rle: Rle): CompressedRle {
  return { size: [rle.height, rle.width], counts: rleToString(rle.counts) };
}

/**
 * Takes a crowd region's run lengths as given (pycocotools `frUncompressedRLE`), after checking
 * they are non-negative integers that add up to height × width; throws InvalidRleError otherwise.
 */
export function rleFromUncompressed(rle: UncompressedRle): Rle {
  const [height, width] = checkSize(rle.size);
  const counts = Uint32Array.from(rle.counts);
  let total = 0;
  for (let i = 0; i < rle.counts.length; i++) {
    if (counts[i] !== rle.counts[i]) {
      throw new InvalidRleError(
        `RLE run ${i} must be a non-negative integer, got ${rle.counts[i]}`,
      );
    }
    total += counts[i];
  }
  if (total !== height * width) {
    throw new InvalidRleError(
      `RLE runs add up to ${total} pixels, expected ${height * width} for size [${height}, ${width}]`,
    );
  }
  return { height, width, counts };
}

/** The number of mask pixels (the sum of the odd-numbered runs). */
export function rleArea(rle: Rle): number {
  let area = 0;
  for (let j = 1; j < rle.counts.length; j += 2) area += rle.counts[j];
  return area;
}

/** Expands an RLE into a row-major 0/1 mask of height × width bytes. */
export function rleToMask(rle: Rle): Uint8Array {
  const { height, width, counts } = rle;
  const mask = new Uint8Array(height * width);
  let k = 0;
  for (let j = 0; j < counts.length; j++) {
    if (j & 1) {
      let y = k % height;
      let i = y * width + (k - y) / height;
      for (let n = counts[j]; n > 0; n--) {
        mask[i] = 1;
        if (++y === height) {
          y = 0;
          i -= (height - 1) * width - 1;
        } else {
          i += width;
        }
      }
    }
    k += counts[j];
  }
  return mask;
}

/**
 * Encodes a mask held over its box window into the image-sized COCO RLE, identical to encoding
 * the full image with pycocotools. It walks only the window's columns and adds the zeros around
 * the window as run lengths, so its cost grows with the box, not the image. Parts of the window
 * outside the image are cut off; any nonzero byte counts as mask. Throws RangeError when the
 * image size or the mask's data length is wrong.
 */
export function encodeBoxMask(
  mask: BoxMask,
  imageHeight: number,
  imageWidth: number,
): CompressedRle {
  const [height, width] = checkSize([imageHeight, imageWidth]);
  if (mask.data.length !== mask.width * mask.height) {
    throw new RangeError(
      `mask.data must hold width × height = ${mask.width * mask.height} bytes, got ${mask.data.length}`,
    );
  }
  const xStart = clamp(mask.x0, 0, width);
  const xEnd = clamp(mask.x0 + mask.width, xStart, width);
  const yStart = clamp(mask.y0, 0, height);
  const yEnd = clamp(mask.y0 + mask.height, yStart, height);
  if (xStart === xEnd || yStart === yEnd) {
    return { size: [height, width], counts: rleToString([height * width]) };
  }

  const counts: number[] = [];
  let value = 0;
  let run = xStart * height + yStart;
  const gapBetweenColumns = height - (yEnd - yStart);
  const { data, width: stride } = mask;
  for (let x = xStart; x < xEnd; x++) {
    if (x > xStart && gapBetweenColumns > 0) {
      if (value === 0) {
        run += gapBetweenColumns;
      } else {
        counts.push(run);
        value = 0;
        run = gapBetweenColumns;
      }
    }
    // Scan each run of equal pixels in a tight loop of its own: runs are long.
    let i = (yStart - mask.y0) * stride + (x - mask.x0);
    let y = yStart;
    while (y < yEnd) {
      const from = y;
      if (value === 0) {
        while (y < yEnd && data[i] === 0) {
          y++;
          i += stride;
        }
      } else {
        while (y < yEnd && data[i] !== 0) {
          y++;
          i += stride;
        }
      }
      run += y - from;
      if (y < yEnd) {
        counts.push(run);
        value ^= 1;
        run = 0;
      }
    }
  }
  const trailing = height - yEnd + (width - xEnd) * height;
  if (trailing > 0) {
    if (value === 0) {
      run += trailing;
    } else {
      counts.push(run);
      run = trailing;
    }
  }
  counts.push(run);
  return { size: [height, width], counts: rleToString(counts) };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), hi);
}

/** Checks [height, width] and returns it; RangeError unless both are integers ≥ 0 under 2^31 pixels. */
function checkSize(size: readonly number[]): [number, number] {
  const [height, width] = size;
  if (
    size.length !== 2 ||
    !Number.isInteger(height) ||
    !Number.isInteger(width) ||
    height < 0 ||
    width < 0 ||
    height * width >= 2 ** 31
  ) {
    throw new RangeError(
      `size must be [height, width], integers ≥ 0 with fewer than 2^31 pixels, got [${size.join(', ')}]`,
    );
  }
  return [height, width];
}
