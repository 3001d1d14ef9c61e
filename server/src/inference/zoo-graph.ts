/**
 * The ONNX Model Zoo's Mask R-CNN (MaskRCNN-10.onnx or -12, maskrcnn-benchmark R-50-FPN exported
 * whole): one graph from a BGR image to detections with their 28×28 masks, opened through
 * model.ts's OnnxGraph.
 */
import { ModelLoadError, ModelRunError } from './errors.js';
import { type FloatTensor, type GraphOptions, OnnxGraph } from './model.js';

/**
 * The names in the ONNX Model Zoo's MaskRCNN-10.onnx (MaskRCNN-12.onnx uses the same). Its README
 * (onnx/models, validated/vision/object_detection_segmentation/mask-rcnn/README.md) gives the
 * input as one `3×height×width` image and the four outputs in order, boxes `nbox×4`, labels
 * `nbox`, scores `nbox`, masks `nbox×1×28×28`, but not their names: the export left them
 * numbered. The names below are those that deployments of the file use (a Triton wrapper's
 * INPUT_NAME 'image', OUTPUT_NAMES ['6568', '6570', '6572', '6887']; OpenVINO's accuracy-checker
 * config for MaskRCNN-12 maps boxes_out '6568', classes_out '6570', scores_out '6572',
 * raw_masks_out '6887'), and loading checks the graph has them.
 */
export const ZOO_MASKRCNN_NAMES = {
  image: 'image',
  boxes: '6568',
  labels: '6570',
  scores: '6572',
  masks: '6887',
} as const;

export interface ZooMaskRcnnOutputs {
  /** [N, 4] x1, y1, x2, y2 in input (resized) pixels. */
  boxes: FloatTensor;
  /** [N] contiguous class ids 1..80 (int64 in the graph). */
  labels: FloatTensor;
  /** [N] */
  scores: FloatTensor;
  /** [N, 1, M, M] mask probabilities for each detection's own class. */
  masks: FloatTensor;
}

/** The ONNX Model Zoo's Mask R-CNN (maskrcnn-benchmark R-50-FPN): one graph, image to masks. */
export class ZooMaskRcnnGraph {
  private constructor(private readonly graph: OnnxGraph) {}

  /**
   * Opens the graph at `path` and checks its input and output names.
   * @throws ModelLoadError for a missing file or a graph without those names.
   * @throws ExecutionProviderUnavailableError when `executionProvider` cannot run here.
   */
  static async load(path: string, opts: GraphOptions): Promise<ZooMaskRcnnGraph> {
    const graph = await OnnxGraph.open(path, opts);
    const { image, ...outputs } = ZOO_MASKRCNN_NAMES;
    const missing = [
      ...[image].filter((name) => !graph.inputNames.includes(name)),
      ...Object.values(outputs).filter((name) => !graph.outputNames.includes(name)),
    ];
    if (missing.length > 0) {
      await graph.release();
      throw new ModelLoadError(
        `${path} is not the ONNX Model Zoo's Mask R-CNN: it lacks ${missing.join(', ')} ` +
          `(inputs ${graph.inputNames.join(', ')}; outputs ${graph.outputNames.join(', ')})`,
      );
    }
    return new ZooMaskRcnnGraph(graph);
  }

  /**
   * Runs the graph on a [3, H, W] BGR tensor (no batch axis).
   * @throws ModelRunError, also when the outputs' shapes do not agree on N.
   */
  async run(image: FloatTensor): Promise<ZooMaskRcnnOutputs> {
    const { boxes, labels, scores, masks } = ZOO_MASKRCNN_NAMES;
    const [b, l, s, m] = await this.graph.run({ [ZOO_MASKRCNN_NAMES.image]: image }, [
      boxes,
      labels,
      scores,
      masks,
    ]);
    const n = b.dims[0];
    const fits =
      b.dims.length === 2 &&
      b.dims[1] === 4 &&
      l.dims.length === 1 &&
      l.dims[0] === n &&
      s.dims.length === 1 &&
      s.dims[0] === n &&
      m.dims.length === 4 &&
      m.dims[0] === n &&
      m.dims[1] === 1 &&
      m.dims[2] === m.dims[3];
    if (!fits) {
      throw new ModelRunError(
        `${this.graph.path}: outputs of shapes [${b.dims}], [${l.dims}], [${s.dims}], [${m.dims}] ` +
          'are not [N, 4], [N], [N], [N, 1, M, M]',
      );
    }
    return { boxes: b, labels: l, scores: s, masks: m };
  }

  release(): Promise<void> {
    return this.graph.release();
  }
}
