/**
 * A stand-in for the ONNX Model Zoo's MaskRCNN-10.onnx (170 MB, not downloadable here) with the
 * same input and output names, types and shapes, small enough to build in each test. What it
 * "detects" is made to reveal the tensor it was fed:
 *
 *   detection 0: box [Wt/16, Ht/16, Wt/8, Ht/8] from Shape(image) = [3, Ht, Wt], the padded size
 *   detections 1, 2: FIXED_BOXES
 *   scores: 0.5 + ReduceMean(image[c]) / 256 for c = 0, 1, 2 (B, G, R after the means)
 *   labels: LABELS; masks: MASKS (a different pattern per detection)
 *
 * Boxes are in the input tensor's pixels, as the real graph's are.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const { DataType } = onnx.TensorProto;

/** The real file's names (see src/inference/zoo-graph.ts). */
export const NAMES = { boxes: '6568', labels: '6570', scores: '6572', masks: '6887' };
/** person, dog, toothbrush. */
export const LABELS = [1, 17, 80];
/** Detections 1 and 2, [x1, y1, x2, y2] in input pixels; the second reaches into the padding. */
export const FIXED_BOXES = [
  [121, 80, 604.5, 479.5],
  [1100, 700, 1215, 799],
];
export const MASK_SIDE = 28;
/**
 * Detection 0's map is bright in its top half, 1's in its left half, 2's rises down the rows
 * (row / 27), so a map pasted for the wrong detection shows.
 */
export const MASKS = Float32Array.from({ length: 3 * MASK_SIDE * MASK_SIDE }, (_, i) => {
  const d = Math.floor(i / (MASK_SIDE * MASK_SIDE));
  const row = Math.floor(i / MASK_SIDE) % MASK_SIDE;
  const col = i % MASK_SIDE;
  if (d === 0) return row < MASK_SIDE / 2 ? 0.9 : 0.1;
  if (d === 1) return col < MASK_SIDE / 2 ? 0.9 : 0.1;
  return row / (MASK_SIDE - 1);
});

export interface FixtureOptions {
  /** Replaces LABELS. */
  labels?: number[];
  /** Renames the masks output (to make a graph that is not the zoo's). */
  masksName?: string;
  /** Which of the zoo's files it stands in for: MaskRCNN-10.onnx (default) or MaskRCNN-12.onnx. */
  opset?: 10 | 12;
}

const floats = (name: string, dims: number[], data: ArrayLike<number>) => ({
  name,
  dims,
  dataType: DataType.FLOAT,
  floatData: Array.from(data),
});
const int64s = (name: string, data: number[]) => ({
  name,
  dims: [data.length],
  dataType: DataType.INT64,
  int64Data: data,
});
const node = (opType: string, input: string[], output: string[], attribute: object[] = []) => ({
  opType,
  input,
  output,
  name: output[0],
  attribute,
});
const ints = (name: string, values: number[]) => ({
  name,
  ints: values,
  type: onnx.AttributeProto.AttributeType.INTS,
});
const int = (name: string, value: number) => ({
  name,
  i: value,
  type: onnx.AttributeProto.AttributeType.INT,
});
const value = (name: string, elemType: number, shape: (number | string)[]) => ({
  name,
  type: {
    tensorType: {
      elemType,
      shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
    },
  },
});

/** The graph as ONNX bytes, in the opset of the file it stands in for. */
export function zooFixtureGraph(options: FixtureOptions = {}): Uint8Array {
  const masksName = options.masksName ?? NAMES.masks;
  const graph = {
    name: 'maskrcnn10_stand_in',
    input: [value('image', DataType.FLOAT, [3, 'height', 'width'])],
    output: [
      value(NAMES.boxes, DataType.FLOAT, ['nbox', 4]),
      value(NAMES.labels, DataType.INT64, ['nbox']),
      value(NAMES.scores, DataType.FLOAT, ['nbox']),
      value(masksName, DataType.FLOAT, ['nbox', 1, MASK_SIDE, MASK_SIDE]),
    ],
    initializer: [
      floats('fixed_boxes', [2, 4], FIXED_BOXES.flat()),
      int64s('whwh_index', [2, 1, 2, 1]),
      floats('whwh_scale', [4], [1 / 16, 1 / 16, 1 / 8, 1 / 8]),
      int64s('labels', options.labels ?? LABELS),
      floats('score_scale', [], [1 / 256]),
      floats('score_offset', [], [0.5]),
      floats('masks', [3, 1, MASK_SIDE, MASK_SIDE], MASKS),
    ],
    node: [
      node('Shape', ['image'], ['shape']),
      node('Cast', ['shape'], ['shape_f'], [int('to', DataType.FLOAT)]),
      node('Gather', ['shape_f', 'whwh_index'], ['whwh'], [int('axis', 0)]),
      node('Mul', ['whwh', 'whwh_scale'], ['shape_box']),
      node('Unsqueeze', ['shape_box'], ['shape_box_row'], [ints('axes', [0])]),
      node('Concat', ['shape_box_row', 'fixed_boxes'], [NAMES.boxes], [int('axis', 0)]),
      node('Identity', ['labels'], [NAMES.labels]),
      // In float32, onnxruntime's mean of a million values is off by about 1e-3.
      node('Cast', ['image'], ['image_d'], [int('to', DataType.DOUBLE)]),
      node('ReduceMean', ['image_d'], ['means_d'], [ints('axes', [1, 2]), int('keepdims', 0)]),
      node('Cast', ['means_d'], ['means'], [int('to', DataType.FLOAT)]),
      node('Mul', ['means', 'score_scale'], ['scaled_means']),
      node('Add', ['scaled_means', 'score_offset'], [NAMES.scores]),
      node('Identity', ['masks'], [masksName]),
    ],
  };
  return onnx.ModelProto.encode({
    irVersion: 5,
    opsetImport: [{ domain: '', version: options.opset ?? 10 }],
    producerName: 'maskrcnn-zmq tests',
    graph,
  }).finish();
}

/** A fresh temp folder holding the graph as MaskRCNN-10.onnx (or -12), as `ensureModel` lays it out. */
export async function zooFixtureDir(options: FixtureOptions = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'zoo-maskrcnn-'));
  await writeFile(join(dir, `MaskRCNN-${options.opset ?? 10}.onnx`), zooFixtureGraph(options));
  return dir;
}
