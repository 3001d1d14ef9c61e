/**
 * Where the MaskRCNN2GO net is cut into three ONNX graphs. Between them lie the steps that are
 * plain code in the server (GenerateProposals, BBoxTransform, BoxWithNMSLimit), so each cut
 * starts or ends at one of those ops' blobs:
 *
 *   data ─ backbone_rpn ─┬─ rpn_cls_probs, rpn_bbox_pred ─→ proposals (code) ─→ rois
 *                        └─ feat (xif3_6) ─┬─ box_head(feat, rois) ─→ cls_prob, bbox_pred
 *                                          └─ mask_head(feat, detections) ─→ mask_fcn_probs
 *
 * The names and shapes are those the server relies on (MODEL.md, "The ONNX form").
 */
import type { BoundaryTensor, GraphCut } from './graph.js';

const f32 = (name: string, blob: string, shape: (number | string)[]): BoundaryTensor => ({
  name,
  blob,
  elemType: 'float',
  shape,
});

const feat = (blob: string) => f32('feat', blob, [1, 'C', 'h', 'w']);
const roiInputs = (blob: string): BoundaryTensor[] => [
  feat('xif3_6'),
  f32('rois', blob, ['R', 4]),
  { name: 'batch_idx', blob: null, elemType: 'int64', shape: ['R'] },
];

/** One output file of the conversion. */
export interface PlannedGraph {
  file: string;
  /** The backbone, or one of the heads that run on its features (see precision.ts). */
  part: 'backbone' | 'head';
  cut: GraphCut;
}

/** The three graphs, in the order the server runs them. */
export const MASKRCNN2GO_GRAPHS: readonly PlannedGraph[] = [
  {
    file: 'backbone_rpn.onnx',
    part: 'backbone',
    cut: {
      name: 'maskrcnn2go_backbone_rpn',
      inputs: [f32('data', 'data', [1, 3, 'H', 'W'])],
      outputs: [
        f32('rpn_cls_probs', 'rpn_cls_probs', [1, 15, 'h', 'w']),
        f32('rpn_bbox_pred', 'rpn_bbox_pred', [1, 60, 'h', 'w']),
        // The int8 blob before its Dequantize: that op sits after GenerateProposals in the net.
        feat('xif3_6_int8'),
      ],
    },
  },
  {
    file: 'box_head.onnx',
    part: 'head',
    cut: {
      name: 'maskrcnn2go_box_head',
      inputs: roiInputs('rois'),
      outputs: [f32('cls_prob', 'cls_prob', ['R', 81]), f32('bbox_pred', 'bbox_pred', ['R', 324])],
    },
  },
  {
    file: 'mask_head.onnx',
    part: 'head',
    cut: {
      name: 'maskrcnn2go_mask_head',
      inputs: roiInputs('bbox_nms'),
      outputs: [f32('mask_fcn_probs', 'mask_fcn_probs', ['R', 81, 24, 24])],
    },
  },
];

/** The init-net blob holding the RPN's anchors, and the file they are written to. */
export const MASKRCNN2GO_ANCHORS = { blob: 'anchor', file: 'anchors.json' } as const;
