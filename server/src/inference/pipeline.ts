import { availableParallelism } from 'node:os';
import type { Precision } from '@maskrcnn-zmq/models';
import type { Detector, ModelDescription } from './detector.js';
import { loadDetector } from './load-detector.js';
import type { ExecutionProvider } from './model.js';
import type { Detection } from './postprocess.js';
import type { BoxMask, InferenceOptions, InferenceResult, Instance, RgbImage } from './types.js';

export interface PipelineOptions {
  /** Where the graphs run (default 'cpu'). 'cuda' throws ExecutionProviderUnavailableError where it cannot. */
  executionProvider?: ExecutionProvider;
  /** Threads per graph run (default: the machine's available parallelism). */
  threads?: number;
  /**
   * What the graphs in the model folder compute in (default 'float'): 'int8' and 'int8-heads'
   * expect MaskRCNN2GO's QDQ graphs of that form (fetch-model --precision …) and throw
   * ModelLoadError for others.
   */
  precision?: Precision;
}

/**
 * Pixels in, instances out: detector (pre-process, graphs, post-process) → the caller's filter
 * → masks for the survivors only. One pipeline holds one model in memory; `run` may be called
 * again before an earlier call settles.
 */
export class MaskRcnnPipeline {
  private constructor(private readonly detector: Detector) {}

  /**
   * Loads the model in `modelDir`: the ONNX Model Zoo's Mask R-CNN where the folder holds
   * MaskRCNN-10.onnx or MaskRCNN-12.onnx, else MaskRCNN2GO's ONNX folder (see load-detector.ts).
   * @throws RangeError for a non-positive-integer `threads`.
   * @throws ModelLoadError, ExecutionProviderUnavailableError from the model.
   */
  static async load(modelDir: string, opts: PipelineOptions = {}): Promise<MaskRcnnPipeline> {
    const threads = opts.threads ?? availableParallelism();
    requirePositiveInteger('threads', threads);
    const executionProvider = opts.executionProvider ?? 'cpu';
    if (executionProvider !== 'cpu' && executionProvider !== 'cuda') {
      throw new RangeError(`executionProvider must be 'cpu' or 'cuda', got '${executionProvider}'`);
    }
    const precision = opts.precision ?? 'float';
    const detector = await loadDetector(modelDir, { executionProvider, threads }, precision);
    return new MaskRcnnPipeline(detector);
  }

  /** The model's name, source, classes, input rule, execution provider and threads. */
  describe(): ModelDescription {
    return this.detector.description;
  }

  /**
   * Runs one image. Instances are best first, filtered by `opts`; masks are computed only for
   * them, and only when `opts.masks`. `checkpoint` runs between the detector and the masks, so
   * a caller can stop work nobody will read by throwing (or rejecting) from it.
   * @throws ModelRunError from the graphs; whatever `checkpoint` throws.
   */
  async run(
    image: RgbImage,
    opts: InferenceOptions,
    checkpoint: () => void | Promise<void> = () => {},
  ): Promise<InferenceResult> {
    const run = await this.detector.detect(image);
    const chosen = run.detections
      .filter((d) => d.score >= opts.scoreThreshold && (opts.classIds?.has(d.classId) ?? true))
      .slice(0, opts.maxDetections);
    await checkpoint();
    const masksStarted = performance.now();
    const made = opts.masks ? await run.masks(chosen) : undefined;
    const graphMs = made?.graphMs ?? 0;
    return {
      instances: chosen.map((d, i) => this.instance(d, made?.masks[i])),
      timingsMs: {
        ...run.timingsMs,
        // Graph time is the model's, wherever it runs; `masks` is what this code adds.
        model: run.timingsMs.model + graphMs,
        masks: performance.now() - masksStarted - graphMs,
      },
    };
  }

  /**
   * Runs every graph once on a synthetic frame so that the first real request does not pay
   * for onnxruntime's lazy initialisation (hundreds of milliseconds).
   */
  warmUp(): Promise<void> {
    return this.detector.warmUp(syntheticFrame(640, 480));
  }

  /** Frees the model's sessions; the pipeline must not be used afterwards. */
  close(): Promise<void> {
    return this.detector.release();
  }

  private instance(d: Detection, mask: BoxMask | undefined): Instance {
    const label = this.detector.description.classes[d.classId - 1];
    return { classId: d.classId, label, score: d.score, box: d.box, ...(mask && { mask }) };
  }
}

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
}

/** A smooth colour gradient: enough structure to exercise every operator, no file needed. */
function syntheticFrame(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0, o = 0; y < height; y++) {
    for (let x = 0; x < width; x++, o += 3) {
      data[o] = (x * 255) / width;
      data[o + 1] = (y * 255) / height;
      data[o + 2] = ((x + y) * 127) / (width + height);
    }
  }
  return { width, height, data };
}
