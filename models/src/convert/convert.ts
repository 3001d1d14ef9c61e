/**
 * MaskRCNN2GO's Caffe2 pair (model.pb + model_init.pb) → backbone_rpn.onnx, box_head.onnx,
 * mask_head.onnx and anchors.json, in memory. Bump {@link CONVERTER_VERSION} whenever the
 * output bytes change: caches stamped with an older version are converted again.
 */
import { ConversionError } from '../errors.js';
import { graphPrecision, type Precision } from '../precision.js';
import { decodeNetDef } from './caffe2-net.js';
import { buildGraph } from './graph.js';
import { encodeModel } from './onnx-writer.js';
import { MASKRCNN2GO_ANCHORS, MASKRCNN2GO_GRAPHS } from './plan.js';
import { loadWeights } from './weights.js';

/** Changes whenever the converter's output changes. */
export const CONVERTER_VERSION = 1;

/** ONNX opset of the graphs: 16 is the first with RoiAlign's coordinate_transformation_mode. */
const OPSET = 16;

/** One converted file. */
export interface ConvertedFile {
  name: string;
  bytes: Uint8Array;
}

/** The names of the files {@link convertMaskRcnn2go} yields, in order. */
export const MASKRCNN2GO_OUTPUTS: readonly string[] = [
  ...MASKRCNN2GO_GRAPHS.map((g) => g.file),
  MASKRCNN2GO_ANCHORS.file,
];

/**
 * The anchors as JSON rows [x1, y1, x2, y2] around the cell at the origin, six decimals, the
 * form of the reference conversion.
 */
function anchorsJson(data: Float32Array): string {
  const rows: string[] = [];
  for (let i = 0; i < data.length; i += 4) {
    rows.push(`[${[...data.subarray(i, i + 4)].map((v) => v.toFixed(6)).join(',')}]`);
  }
  return `[${rows.join(',')}]`;
}

/**
 * Converts the pair, yielding one file at a time (so a caller can write and report each).
 * @param predictNet the bytes of model.pb
 * @param initNet the bytes of model_init.pb
 * @param precision 'float' (the reference conversion), 'int8' (QDQ graphs, see qdq.ts) or
 *   'int8-heads' (QDQ heads on a float backbone)
 * @throws {ConversionError} when the nets are not the MaskRCNN2GO the plan describes.
 */
export function* convertMaskRcnn2go(
  predictNet: Uint8Array,
  initNet: Uint8Array,
  precision: Precision = 'float',
): Generator<ConvertedFile> {
  const net = decodeNetDef(predictNet, 'model.pb');
  const weights = loadWeights(decodeNetDef(initNet, 'model_init.pb'));
  const version = `caffe2-maskrcnn ${CONVERTER_VERSION}`;
  const origin = {
    producerName: '@maskrcnn-zmq/models',
    producerVersion: precision === 'float' ? version : `${version} ${precision}`,
    opsetVersion: OPSET,
  };
  for (const { file, part, cut } of MASKRCNN2GO_GRAPHS) {
    const graph = buildGraph(net, weights, cut, graphPrecision(precision, part));
    yield { name: file, bytes: encodeModel(graph, origin) };
  }
  const anchors = weights.get(MASKRCNN2GO_ANCHORS.blob);
  if (anchors?.dims.length !== 2 || anchors.dims[1] !== 4) {
    throw new ConversionError(`model_init.pb: no ${MASKRCNN2GO_ANCHORS.blob} blob of shape [A, 4]`);
  }
  yield { name: MASKRCNN2GO_ANCHORS.file, bytes: Buffer.from(anchorsJson(anchors.data), 'utf8') };
}
