/**
 * The one door to onnxruntime-node: sessions are opened, fed and closed here and nowhere else,
 * so an upgrade or a new execution provider touches this file only. Data crosses the door as
 * plain typed arrays with their shapes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { ExecutionProviderUnavailableError, ModelLoadError, ModelRunError } from './errors.js';

export type ExecutionProvider = 'cpu' | 'cuda';

export interface GraphOptions {
  executionProvider: ExecutionProvider;
  /** Threads for the operators inside one graph run (onnxruntime's intra-op pool). */
  threads: number;
}

/** A float32 tensor's data (row-major) and shape. */
export interface FloatTensor {
  data: Float32Array;
  dims: readonly number[];
}

/** One loaded graph: feeds named inputs, returns the named float outputs. */
class Graph {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly path: string,
  ) {}

  static async open(path: string, opts: GraphOptions): Promise<Graph> {
    try {
      return new Graph(await ort.InferenceSession.create(path, sessionOptions(opts)), path);
    } catch (err) {
      const message = (err as Error).message;
      if (opts.executionProvider === 'cuda' && /cuda|provider|shared librar/i.test(message)) {
        throw new ExecutionProviderUnavailableError(
          `the CUDA execution provider is unavailable (${message}); it needs an NVIDIA GPU, ` +
            `CUDA 12 and onnxruntime-node installed with its CUDA providers ` +
            `(without ONNXRUNTIME_NODE_INSTALL=skip), or use executionProvider 'cpu'`,
          { cause: err },
        );
      }
      throw new ModelLoadError(`cannot load ${path}: ${message}`, { cause: err });
    }
  }

  async run(
    feeds: Record<string, FloatTensor | BigInt64Array>,
    outputs: readonly string[],
  ): Promise<FloatTensor[]> {
    const tensors: Record<string, ort.Tensor> = {};
    for (const [name, value] of Object.entries(feeds)) {
      tensors[name] =
        value instanceof BigInt64Array
          ? new ort.Tensor('int64', value, [value.length])
          : new ort.Tensor('float32', value.data, value.dims);
    }
    let result: ort.InferenceSession.ReturnType;
    try {
      result = await this.session.run(tensors, outputs);
    } catch (err) {
      throw new ModelRunError(`${this.path} failed: ${(err as Error).message}`, { cause: err });
    }
    return outputs.map((name) => {
      const t = result[name];
      return { data: t.data as Float32Array, dims: t.dims };
    });
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

function sessionOptions(opts: GraphOptions): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [opts.executionProvider],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: opts.threads,
    interOpNumThreads: 1,
    // Each session owns a thread pool whose idle threads spin by default; with three graphs run
    // back to back they spin against each other and halve throughput on a 2-core machine
    // (measured: backbone + box head 100 ms spinning, 45 ms not).
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

/** The number of RPN anchors MaskRCNN2GO was trained with (15 per feature-map cell). */
const ANCHOR_COUNT = 15;

export interface BackboneOutputs {
  /** [1, A, h, w] objectness probabilities. */
  rpnClsProbs: FloatTensor;
  /** [1, 4A, h, w] box deltas (dx, dy, dw, dh per anchor). */
  rpnBboxPred: FloatTensor;
  /** [1, 128, h, w] stride-16 features, fed back to both heads. */
  feat: FloatTensor;
}

export interface BoxHeadOutputs {
  /** [R, 81] class probabilities (0 = background). */
  clsProb: FloatTensor;
  /** [R, 324] per-class box deltas. */
  bboxPred: FloatTensor;
}

/**
 * MaskRCNN2GO's three graphs (MODEL.md): backbone + RPN, box head, mask head, plus the learned
 * anchors, which belong to the weights and travel with them.
 */
export class MaskRcnn2GoGraphs {
  private constructor(
    private readonly backbone: Graph,
    private readonly box: Graph,
    private readonly mask: Graph,
    /** The anchors as [x1, y1, x2, y2] × 15 around the cell at the origin. */
    readonly anchors: Float32Array,
  ) {}

  /**
   * Opens backbone_rpn.onnx, box_head.onnx, mask_head.onnx and anchors.json from `dir`.
   * @throws ModelLoadError for a missing or malformed file.
   * @throws ExecutionProviderUnavailableError when `executionProvider` cannot run here.
   */
  static async load(dir: string, opts: GraphOptions): Promise<MaskRcnn2GoGraphs> {
    const anchors = await loadAnchors(join(dir, 'anchors.json'));
    const backbone = await Graph.open(join(dir, 'backbone_rpn.onnx'), opts);
    const box = await Graph.open(join(dir, 'box_head.onnx'), opts);
    const mask = await Graph.open(join(dir, 'mask_head.onnx'), opts);
    return new MaskRcnn2GoGraphs(backbone, box, mask, anchors);
  }

  /** Runs the backbone and RPN on a [1, 3, H, W] BGR tensor. */
  async backboneRpn(image: FloatTensor): Promise<BackboneOutputs> {
    const [rpnClsProbs, rpnBboxPred, feat] = await this.backbone.run({ data: image }, [
      'rpn_cls_probs',
      'rpn_bbox_pred',
      'feat',
    ]);
    return { rpnClsProbs, rpnBboxPred, feat };
  }

  /** Classifies and refines `rois` ([R × 4] x1, y1, x2, y2 in resized-image pixels). */
  async boxHead(feat: FloatTensor, rois: Float32Array): Promise<BoxHeadOutputs> {
    const [clsProb, bboxPred] = await this.box.run(roiFeeds(feat, rois), ['cls_prob', 'bbox_pred']);
    return { clsProb, bboxPred };
  }

  /** [D, 81, 24, 24] mask probabilities for `rois` (resized-image pixels), already sigmoid. */
  async maskHead(feat: FloatTensor, rois: Float32Array): Promise<FloatTensor> {
    const [probs] = await this.mask.run(roiFeeds(feat, rois), ['mask_fcn_probs']);
    return probs;
  }

  async release(): Promise<void> {
    await Promise.all([this.backbone.release(), this.box.release(), this.mask.release()]);
  }
}

function roiFeeds(
  feat: FloatTensor,
  rois: Float32Array,
): Record<string, FloatTensor | BigInt64Array> {
  const count = rois.length / 4;
  return { feat, rois: { data: rois, dims: [count, 4] }, batch_idx: new BigInt64Array(count) };
}

async function loadAnchors(path: string): Promise<Float32Array> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ModelLoadError(`cannot read anchors ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const valid =
    Array.isArray(parsed) &&
    parsed.length === ANCHOR_COUNT &&
    parsed.every(
      (row) => Array.isArray(row) && row.length === 4 && row.every((v) => typeof v === 'number'),
    );
  if (!valid) {
    throw new ModelLoadError(
      `${path} must hold ${ANCHOR_COUNT} anchors as [x1, y1, x2, y2] number arrays`,
    );
  }
  return Float32Array.from((parsed as number[][]).flat());
}
