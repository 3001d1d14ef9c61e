/**
 * Every model this service can run: where its files come from (pinned to a commit, so a
 * moved branch can never change the bytes), how big they are, their checksums, their licence,
 * and the pre- and post-processing settings that belong to the weights. The facts for
 * MaskRCNN2GO are those of /work/shared/models/maskrcnn2go/MODEL.md.
 */
import { UnknownModelError } from './errors.js';

/** A file of a model, as it lies in the model's cache folder. */
export interface ModelFile {
  /** Path relative to the model's cache folder, with '/' separators: `caffe2/model.pb`. */
  path: string;
  /** Size in bytes, or null where the publisher gives none. */
  bytes: number | null;
  /** Lower-case hex sha256, or null where the publisher gives none (then only size is checked). */
  sha256: string | null;
}

/** A file that is downloaded. */
export interface SourceFile extends ModelFile {
  /** Where it is published, pinned to a commit or release. */
  url: string;
}

/** Pre-processing that the weights were trained with. */
export interface InputSettings {
  channelOrder: 'BGR';
  /** Subtracted per channel (B, G, R) from raw 0..255 values. */
  mean: readonly [number, number, number];
  /** Resize so the short side is this long... */
  shortSide: number;
  /** ...unless the long side would exceed this; then the long side is this long. */
  maxSide: number;
  /** Pad the bottom and right so both sides are multiples of this (1: no padding). */
  sizeDivisor: number;
}

/** Detectron-style post-processing between and after the graphs (MODEL.md, "Post-processing"). */
export interface PostprocessSettings {
  /** Feature stride of `feat` and of the anchor grid, in input pixels. */
  featureStride: number;
  proposals: { preNmsTopN: number; postNmsTopN: number; nmsIou: number; minSize: number };
  /** Box-regression weights (wx, wy, ww, wh) of the box head. */
  bboxWeights: readonly [number, number, number, number];
  /** Box deltas dw, dh are clipped at log(1000/16). */
  bboxClip: number;
  detections: {
    scoreThreshold: number;
    nms: { method: 'soft-linear' | 'hard'; iou: number; minScore: number };
    perImage: number;
  };
  maskThreshold: number;
}

/** A model as the manifest describes it. */
export interface ModelSpec {
  name: string;
  title: string;
  licence: string;
  /** The form of the downloaded files. */
  format: 'caffe2-int8' | 'onnx';
  upstream: { repository: string; commit: string };
  /** What is downloaded. */
  sources: readonly SourceFile[];
  /**
   * The files the runtime loads, all in one folder. Their sums are those of the reference
   * conversion where the model is converted: copies placed by hand are checked against them.
   */
  ready: readonly ModelFile[];
  /** How the sources become the ready files, or null where they are the ready files. */
  conversion: { converter: 'caffe2-maskrcnn' } | null;
  input: InputSettings;
  /** Null where the graph does its own post-processing. */
  postprocess: PostprocessSettings | null;
}

const FACEBOOK_MODELS_COMMIT = '7e196ddaec6df39792689df71972f9f4c1314886';
const FACEBOOK_MODELS_RAW = `https://raw.githubusercontent.com/facebookarchive/models/${FACEBOOK_MODELS_COMMIT}`;

// The commit at which onnx/models was seen with its `validated/` layout. The file is a Git LFS
// object there: github.com's /raw/ path redirects to the LFS media host.
const ONNX_MODELS_COMMIT = '4c46cd00fbdb7cd30b6c1c17ab54f2e1f4f7b177';
const MASKRCNN_ZOO_DIR = 'validated/vision/object_detection_segmentation/mask-rcnn/model';

const maskrcnn2go: ModelSpec = {
  name: 'maskrcnn2go',
  title: 'MaskRCNN2GO (int8, COCO, 3.8 MB): Caffe2 model zoo mask_rcnn_2go',
  licence: 'Apache-2.0',
  format: 'caffe2-int8',
  upstream: { repository: 'facebookarchive/models', commit: FACEBOOK_MODELS_COMMIT },
  sources: [
    {
      path: 'caffe2/model.pb',
      url: `${FACEBOOK_MODELS_RAW}/mask_rcnn_2go/model/int8/model.pb`,
      bytes: 25_424,
      sha256: '9ebb05d8981f18f0da81e4b72a32e6507e67a4ae7d52b51fdb736b21d024de1f',
    },
    {
      path: 'caffe2/model_init.pb',
      url: `${FACEBOOK_MODELS_RAW}/mask_rcnn_2go/model/int8/model_init.pb`,
      bytes: 3_802_460,
      sha256: '535faf6ba4f724f7b1b9b6ddd35b7c77048b7c44d7027fa1bb4941e5388fbc79',
    },
  ],
  ready: [
    {
      path: 'onnx/backbone_rpn.onnx',
      bytes: 6_692_367,
      sha256: '9c207a1b47bfd352a9a2c7bf2aa5eac1275b0c99f60f715b8d86b4eb2cd4c3c5',
    },
    {
      path: 'onnx/box_head.onnx',
      bytes: 3_751_131,
      sha256: '65f23eb580243b7c3d364370108ff43c18029ea382ca9338abc39a9d44385992',
    },
    {
      path: 'onnx/mask_head.onnx',
      bytes: 4_177_424,
      sha256: 'dcb609f18c0c31501234409bd8e4d4ea0af31ba02567dc643cac2891f2a85e9b',
    },
    {
      path: 'onnx/anchors.json',
      bytes: 680,
      sha256: '156210f3729a1eab4734285edde66d08f305e4808fb8ae9b8f75f8e684a6913f',
    },
  ],
  conversion: { converter: 'caffe2-maskrcnn' },
  input: { channelOrder: 'BGR', mean: [0, 0, 0], shortSide: 320, maxSide: 640, sizeDivisor: 1 },
  // MODEL.md's settings, with which its accuracy table was measured. The Caffe2 net's own
  // arguments differ in two places (GenerateProposals post_nms_topN 120, BoxWithNMSLimit
  // soft_nms_enabled 0): the table's second row shows that plain NMS with 120 scores lower.
  postprocess: {
    featureStride: 16,
    proposals: { preNmsTopN: 3000, postNmsTopN: 100, nmsIou: 0.7, minSize: 1 },
    bboxWeights: [10, 10, 5, 5],
    bboxClip: Math.log(1000 / 16),
    detections: {
      scoreThreshold: 0.05,
      nms: { method: 'soft-linear', iou: 0.3, minScore: 0.001 },
      perImage: 100,
    },
    maskThreshold: 0.5,
  },
};

/**
 * The ONNX Model Zoo's Mask R-CNN R-50-FPN (maskrcnn-benchmark, exported whole) in one of its
 * two opsets: the same network, tensor names and pre-processing. Sizes are those of a mirror's
 * pointers to the same objects (xetdata/onnx-models; the zoo's table says 177.9 and 169.7 MB).
 * No published sha256 was found: the first download reports the sum it computed, to pin here.
 */
function zooMaskRcnn(name: string, file: string, opset: number, bytes: number): ModelSpec {
  const path = `onnx/${file}`;
  return {
    name,
    title: `Mask R-CNN R-50-FPN (ONNX Model Zoo ${file}, opset ${opset}, 170 MB; wants a GPU)`,
    licence: 'MIT',
    format: 'onnx',
    upstream: { repository: 'onnx/models', commit: ONNX_MODELS_COMMIT },
    sources: [
      {
        path,
        url: `https://github.com/onnx/models/raw/${ONNX_MODELS_COMMIT}/${MASKRCNN_ZOO_DIR}/${file}`,
        bytes,
        sha256: null,
      },
    ],
    ready: [{ path, bytes, sha256: null }],
    conversion: null,
    input: {
      channelOrder: 'BGR',
      mean: [102.9801, 115.9465, 122.7717],
      shortSide: 800,
      maxSide: 1333,
      sizeDivisor: 32,
    },
    postprocess: null,
  };
}

const resnet50Fpn = zooMaskRcnn('resnet50-fpn', 'MaskRCNN-10.onnx', 10, 177_925_424);
const resnet50Fpn12 = zooMaskRcnn('resnet50-fpn-12', 'MaskRCNN-12.onnx', 12, 177_970_010);

/** The models this package knows, by name. */
export const MODELS: Readonly<Record<string, ModelSpec>> = {
  [maskrcnn2go.name]: maskrcnn2go,
  [resnet50Fpn.name]: resnet50Fpn,
  [resnet50Fpn12.name]: resnet50Fpn12,
};

/** The model used when none is named. */
export const DEFAULT_MODEL = maskrcnn2go.name;

/**
 * Looks a model up by name.
 * @throws {UnknownModelError} naming the known models.
 */
export function getModelSpec(name: string): ModelSpec {
  const spec = Object.hasOwn(MODELS, name) ? MODELS[name] : undefined;
  if (!spec) throw new UnknownModelError(name, Object.keys(MODELS));
  return spec;
}
