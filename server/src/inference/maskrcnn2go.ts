import type { Precision } from '@maskrcnn-zmq/models';
import { COCO_CLASS_NAMES } from './coco-classes.js';
import {
  type DetectionRun,
  type Detector,
  describeInputSize,
  type MaskRun,
  type ModelDescription,
} from './detector.js';
import { ModelLoadError } from './errors.js';
import { upsampleClassMap } from './mask-upsample.js';
import { pasteMask } from './masks.js';
import { type GraphOptions, MaskRcnn2GoGraphs } from './model.js';
import { type Detection, type DetectionSettings, selectDetections } from './postprocess.js';
import { type InputSizeRule, inputSize, toBgrTensor } from './preprocess.js';
import { generateProposals, type ProposalSettings } from './proposals.js';
import type { RgbImage } from './types.js';

// MODEL.md's settings, which it gives as the net's own; the reference detections were made with
// them and this port reproduces those. The Caffe2 model.pb's operator arguments differ in two:
// GenerateProposals post_nms_topN 120 and BoxWithNMSLimit soft_nms_enabled 0 (plain NMS at 0.3),
// i.e. MODEL.md's second row (32.6 mask AP against 33.4). Read MODEL.md before changing one.
const INPUT_SIZE: InputSizeRule = { shortSide: 320, maxLongSide: 640 };
const PROPOSALS: ProposalSettings = {
  stride: 16,
  preNmsTopN: 3000,
  nmsThreshold: 0.7,
  postNmsTopN: 100,
  minSize: 1,
};
const DETECTIONS: DetectionSettings = {
  boxWeights: [10, 10, 5, 5],
  scoreThreshold: 0.05,
  nmsThreshold: 0.3,
  minScore: 0.001,
  maxDetections: 100,
};
const MASK_THRESHOLD = 0.5;

/** How the graphs were made from the Caffe2 int8 net, for `info()`. */
const SOURCE_FORM: Record<Precision, string> = {
  float: 'dequantized to float32 ONNX',
  int8: 'int8 QDQ ONNX with its own scales',
  'int8-heads': 'int8 QDQ heads with its own scales on a float32 backbone',
};

/** MaskRCNN2GO (MODEL.md): backbone + RPN graph, proposals in JS, box head, mask head. */
export class MaskRcnn2GoDetector implements Detector {
  private constructor(
    private readonly graphs: MaskRcnn2GoGraphs,
    readonly description: ModelDescription,
  ) {}

  /**
   * Loads the graphs and anchors from `dir` (backbone_rpn.onnx, box_head.onnx, mask_head.onnx,
   * anchors.json), which must be of `precision`.
   * @throws ModelLoadError, ExecutionProviderUnavailableError (see model.ts); ModelLoadError
   *   also for graphs of another precision.
   */
  static async load(
    dir: string,
    opts: GraphOptions,
    precision: Precision = 'float',
  ): Promise<MaskRcnn2GoDetector> {
    const graphs = await MaskRcnn2GoGraphs.load(dir, opts);
    if (graphs.precision !== precision) {
      await graphs.release();
      throw new ModelLoadError(
        `${dir} holds ${graphs.precision} graphs, not ${precision} ` +
          `(fetch-model --precision ${precision} makes them)`,
      );
    }
    return new MaskRcnn2GoDetector(graphs, {
      name: 'maskrcnn2go',
      source:
        'Caffe2 model zoo facebookarchive/models@7e196dd mask_rcnn_2go/model/int8, ' +
        SOURCE_FORM[precision],
      classes: [...COCO_CLASS_NAMES],
      inputSize: describeInputSize(INPUT_SIZE),
      executionProvider: opts.executionProvider,
      threads: opts.threads,
    });
  }

  async detect(image: RgbImage): Promise<DetectionRun> {
    const started = performance.now();
    const size = inputSize(image.width, image.height, INPUT_SIZE);
    const tensor = toBgrTensor(image, size);
    const preprocessed = performance.now();

    const { rpnClsProbs, rpnBboxPred, feat } = await this.graphs.backboneRpn({
      data: tensor.data,
      dims: [1, 3, tensor.height, tensor.width],
    });
    const backboneDone = performance.now();
    const rois = generateProposals(
      rpnClsProbs,
      rpnBboxPred,
      this.graphs.anchors,
      size.width,
      size.height,
      PROPOSALS,
    );
    const proposalsDone = performance.now();
    const { clsProb, bboxPred } = await this.graphs.boxHead(feat, rois);
    const boxHeadDone = performance.now();
    const detections = selectDetections(
      rois,
      clsProb,
      bboxPred,
      size.scale,
      image.width,
      image.height,
      DETECTIONS,
    );
    const done = performance.now();

    const masks = async (chosen: readonly Detection[]): Promise<MaskRun> => {
      if (chosen.length === 0) return { masks: [], graphMs: 0 };
      // The mask head pools from the feature map: rois in input (resized) pixels.
      const boxes = Float32Array.from(chosen.flatMap((d) => d.box.map((v) => v * size.scale)));
      const graphStarted = performance.now();
      const logits = await this.graphs.maskHead(feat, boxes);
      const graphMs = performance.now() - graphStarted;
      const [, classes, side] = logits.dims;
      const pasted = chosen.map((d, i) => {
        const map = upsampleClassMap(
          logits.data,
          (i * classes + d.classId) * side * side,
          side,
          d.classId,
          this.graphs.maskUpsample,
        );
        return pasteMask(map.probs, 0, map.side, d.box, image.width, image.height, MASK_THRESHOLD);
      });
      return { masks: pasted, graphMs };
    };

    return {
      detections,
      timingsMs: {
        preprocess: preprocessed - started,
        model: backboneDone - preprocessed + (boxHeadDone - proposalsDone),
        postprocess: proposalsDone - backboneDone + (done - boxHeadDone),
      },
      masks,
    };
  }

  /** A frame may hold no detection: the mask head is warmed on a box over its middle. */
  async warmUp(frame: RgbImage): Promise<void> {
    const run = await this.detect(frame);
    const [w, h] = [frame.width, frame.height];
    await run.masks([
      { classId: 1, score: 1, box: [w / 4, h / 4, (3 * w) / 4 - 1, (3 * h) / 4 - 1] },
    ]);
  }

  release(): Promise<void> {
    return this.graphs.release();
  }
}
