import { type BoxWeights, clipBox, decodeBox } from './box-coder.js';
import type { FloatTensor } from './model.js';
import { nms } from './nms.js';

/** Settings of the RPN's proposal step (caffe2 GenerateProposals). */
export interface ProposalSettings {
  /** Feature-map stride in input pixels: anchors shift this far per cell. */
  stride: number;
  /** Best-scoring (cell, anchor) pairs decoded before NMS. */
  preNmsTopN: number;
  /** IoU above which a weaker proposal is suppressed. */
  nmsThreshold: number;
  /** Proposals kept after NMS: the rois the box head sees. */
  postNmsTopN: number;
  /** Proposals narrower or shorter than this (input pixels, +1 widths) are dropped. */
  minSize: number;
}

const RPN_WEIGHTS: BoxWeights = [1, 1, 1, 1];

/**
 * Turns the RPN's outputs into proposals: scores every (cell, anchor), decodes the best
 * `preNmsTopN` against the anchors shifted to their cells, clips them to the input image,
 * drops slivers, runs NMS and keeps at most `postNmsTopN`.
 *
 * @param clsProbs [1, A, h, w] objectness probabilities.
 * @param bboxPred [1, 4A, h, w] deltas.
 * @param anchors A × [x1, y1, x2, y2] around the origin cell.
 * @returns [R × 4] boxes in input-image pixels, best first.
 */
export function generateProposals(
  clsProbs: FloatTensor,
  bboxPred: FloatTensor,
  anchors: Float32Array,
  inputWidth: number,
  inputHeight: number,
  settings: ProposalSettings,
): Float32Array {
  const [, , h, w] = clsProbs.dims;
  const cells = h * w;
  const order = topIndices(clsProbs.data, settings.preNmsTopN);

  const boxes = new Float32Array(order.length * 4);
  const anchor = new Float32Array(4);
  const delta = new Float32Array(4);
  // Indices of the boxes written so far; a sliver's slot is reused by the next box.
  const valid: number[] = [];
  for (let k = 0; k < order.length; k++) {
    // Scores are laid out [anchor][y][x], deltas [anchor][coordinate][y][x].
    const i = order[k];
    const a = Math.floor(i / cells);
    const cell = i - a * cells;
    const sx = (cell % w) * settings.stride;
    const sy = Math.floor(cell / w) * settings.stride;
    anchor[0] = anchors[a * 4] + sx;
    anchor[1] = anchors[a * 4 + 1] + sy;
    anchor[2] = anchors[a * 4 + 2] + sx;
    anchor[3] = anchors[a * 4 + 3] + sy;
    for (let c = 0; c < 4; c++) delta[c] = bboxPred.data[(a * 4 + c) * cells + cell];
    const at = valid.length * 4;
    decodeBox(anchor, 0, delta, 0, RPN_WEIGHTS, boxes, at);
    clipBox(boxes, at, inputWidth, inputHeight);
    const bw = boxes[at + 2] - boxes[at] + 1;
    const bh = boxes[at + 3] - boxes[at + 1] + 1;
    if (bw >= settings.minSize && bh >= settings.minSize) valid.push(valid.length);
  }

  const survivors = nms(boxes, valid, settings.nmsThreshold, settings.postNmsTopN);
  const rois = new Float32Array(survivors.length * 4);
  for (const [r, s] of survivors.entries()) rois.set(boxes.subarray(s * 4, s * 4 + 4), r * 4);
  return rois;
}

/** Room for an index in a sort key: bits of the key below the score's. */
const INDEX_SPAN = 2 ** 20;

/**
 * Indices of the `limit` largest values, largest first, ties by index. Each value's bits and its
 * index are packed into one float64 key that orders as they should, so a single native sort
 * without a comparator does it: a comparator sort of the survivors cost 0.7 ms a frame.
 * @throws RangeError for more than 2^20 values (a key keeps 20 bits for the index).
 */
export function topIndices(values: Float32Array, limit: number): Int32Array {
  if (values.length > INDEX_SPAN)
    throw new RangeError(`topIndices sorts at most ${INDEX_SPAN} values, got ${values.length}`);
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const keys = new Float64Array(values.length);
  for (let i = 0; i < bits.length; i++) {
    // IEEE 754 bits made to order as the numbers do: negatives flipped, positives above them.
    const b = bits[i];
    const ordered = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
    keys[i] = ordered * INDEX_SPAN + (INDEX_SPAN - 1 - i);
  }
  keys.sort();
  const out = new Int32Array(Math.min(limit, keys.length));
  for (let k = 0; k < out.length; k++)
    out[k] = INDEX_SPAN - 1 - (keys[keys.length - 1 - k] % INDEX_SPAN);
  return out;
}
