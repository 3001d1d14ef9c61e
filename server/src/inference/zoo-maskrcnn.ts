import { basename } from 'node:path';
import { MODELS, type ModelSpec } from '@maskrcnn-zmq/models';
import { clipBox } from './box-coder.js';
import { COCO_CLASS_NAMES } from './coco-classes.js';
import {
  type DetectionRun,
  type Detector,
  describeInputSize,
  type MaskRun,
  type ModelDescription,
} from './detector.js';
import { ModelRunError } from './errors.js';
import { pasteMask } from './masks.js';
import type { GraphOptions } from './model.js';
import type { Detection } from './postprocess.js';
import {
  type InputSize,
  type InputSizeRule,
  inputSize,
  type TensorLayout,
  toBgrTensor,
} from './preprocess.js';
import type { RgbImage } from './types.js';
import { ZooMaskRcnnGraph, type ZooMaskRcnnOutputs } from './zoo-graph.js';

/** The zoo's Mask R-CNN in each opset the manifest knows (MaskRCNN-10, MaskRCNN-12). */
export const ZOO_MODELS: readonly ModelSpec[] = Object.values(MODELS).filter(
  (spec) => spec.format === 'onnx',
);

/** The file a zoo model's folder holds: `MaskRCNN-10.onnx`. */
export const zooFile = (spec: ModelSpec) => basename(spec.ready[0].path);

/** maskrcnn-benchmark's Masker threshold. */
const MASK_THRESHOLD = 0.5;

/**
 * The ONNX Model Zoo's Mask R-CNN R-50-FPN: the graph does proposals, per-class NMS, the score
 * cut and the mask head itself (with maskrcnn-benchmark's settings); here the tensor is made,
 * the boxes are taken back to the original image and the chosen detections' maps are pasted.
 */
export class ZooMaskRcnnDetector implements Detector {
  private constructor(
    private readonly graph: ZooMaskRcnnGraph,
    readonly description: ModelDescription,
    private readonly sizeRule: InputSizeRule,
    private readonly layout: TensorLayout,
  ) {}

  /**
   * Loads the graph at `path`, the file of `spec` (one of ZOO_MODELS). The input settings are
   * the manifest's, from the zoo's README: BGR minus the Detectron means, short side 800 (long
   * side at most 1333), sides padded with zeros to multiples of 32. maskrcnn-benchmark
   * truncates the resized sides where inputSize rounds them, and resizes with PIL where
   * toBgrTensor samples as OpenCV does: at most one pixel of size, and no antialiasing when
   * shrinking photos larger than the input.
   * @throws ModelLoadError, ExecutionProviderUnavailableError (see zoo-graph.ts, model.ts).
   */
  static async load(
    path: string,
    spec: ModelSpec,
    opts: GraphOptions,
  ): Promise<ZooMaskRcnnDetector> {
    const graph = await ZooMaskRcnnGraph.load(path, opts);
    const { upstream, sources, input } = spec;
    const sizeRule: InputSizeRule = { shortSide: input.shortSide, maxLongSide: input.maxSide };
    const layout: TensorLayout = { meanBgr: input.mean, padMultiple: input.sizeDivisor };
    const description: ModelDescription = {
      name: spec.name,
      source:
        `ONNX Model Zoo ${upstream.repository}@${upstream.commit.slice(0, 7)} ` +
        `${zooFile(spec)} (${sources[0].url}), maskrcnn-benchmark R-50-FPN`,
      classes: [...COCO_CLASS_NAMES],
      inputSize: describeInputSize(sizeRule, layout.padMultiple),
      executionProvider: opts.executionProvider,
      threads: opts.threads,
    };
    return new ZooMaskRcnnDetector(graph, description, sizeRule, layout);
  }

  async detect(image: RgbImage): Promise<DetectionRun> {
    const started = performance.now();
    const size = inputSize(image.width, image.height, this.sizeRule);
    const tensor = toBgrTensor(image, size, this.layout);
    const preprocessed = performance.now();
    const outputs = await this.graph.run({
      data: tensor.data,
      dims: [3, tensor.height, tensor.width],
    });
    const ran = performance.now();
    const found = toDetections(outputs, size, image, this.description);
    const done = performance.now();

    const { data, dims } = outputs.masks;
    const side = dims[2];
    const masks = async (chosen: readonly Detection[]): Promise<MaskRun> => ({
      // The one graph run made the masks with the detections: none is left to run.
      graphMs: 0,
      masks: chosen.map((d) => {
        const at = found.maskOf.get(d);
        if (at === undefined) {
          throw new RangeError(
            `${this.description.name} makes masks only for its own detections; ` +
              `box [${d.box}] is not one of this run's`,
          );
        }
        const { width, height } = image;
        return pasteMask(data, at * side * side, side, d.box, width, height, MASK_THRESHOLD);
      }),
    });

    return {
      detections: found.detections,
      timingsMs: {
        preprocess: preprocessed - started,
        model: ran - preprocessed,
        postprocess: done - ran,
      },
      masks,
    };
  }

  /** One graph run makes the masks too: pasting them warms nothing more but costs little. */
  async warmUp(frame: RgbImage): Promise<void> {
    const run = await this.detect(frame);
    await run.masks(run.detections);
  }

  release(): Promise<void> {
    return this.graph.release();
  }
}

/**
 * The graph's detections, best first, with boxes in original-image pixels: each axis is scaled
 * by its own ratio (original / resized side), as maskrcnn-benchmark's BoxList.resize does, and
 * boxes are clipped to the image: the graph sees only the padded tensor, so its boxes may reach
 * into the padding. `maskOf` gives each detection's map in the masks output.
 * @throws ModelRunError for a label outside the model's class ids.
 */
function toDetections(
  outputs: ZooMaskRcnnOutputs,
  size: InputSize,
  image: { width: number; height: number },
  model: Pick<ModelDescription, 'name' | 'classes'>,
): { detections: Detection[]; maskOf: Map<Detection, number> } {
  const { boxes, labels, scores } = outputs;
  const classCount = model.classes.length;
  const sx = image.width / size.width;
  const sy = image.height / size.height;
  const box = new Float32Array(4);
  const maskOf = new Map<Detection, number>();
  for (let i = 0; i < scores.data.length; i++) {
    const classId = labels.data[i];
    if (!Number.isInteger(classId) || classId < 1 || classId > classCount) {
      throw new ModelRunError(
        `${model.name} returned label ${classId}, not a class id 1..${classCount}`,
      );
    }
    const at = i * 4;
    box.set([
      boxes.data[at] * sx,
      boxes.data[at + 1] * sy,
      boxes.data[at + 2] * sx,
      boxes.data[at + 3] * sy,
    ]);
    clipBox(box, 0, image.width, image.height);
    maskOf.set({ classId, score: scores.data[i], box: [box[0], box[1], box[2], box[3]] }, i);
  }
  // maskrcnn-benchmark lists detections class by class; a stable sort keeps ties in that order.
  const detections = [...maskOf.keys()].sort((a, b) => b.score - a.score);
  return { detections, maskOf };
}
