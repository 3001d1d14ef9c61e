/**
 * The one door to onnxruntime-node: sessions are opened, fed and closed here and nowhere else,
 * so an upgrade or a new execution provider touches this file only. Data crosses the door as
 * plain typed arrays with their shapes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Precision } from '@maskrcnn-zmq/models';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { ExecutionProviderUnavailableError, ModelLoadError, ModelRunError } from './errors.js';
import { type ClassUpsample, detachMaskUpsample, quantizes } from './mask-head-graph.js';

const { onnx } = onnxProto;

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
export class OnnxGraph {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly path: string,
  ) {}

  /** The graph's input names, in graph order. */
  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  /** The graph's output names, in graph order. */
  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /**
   * Opens the graph at `path`, or the graph given as `bytes` (then `path` only names it in
   * messages).
   * @throws ModelLoadError, ExecutionProviderUnavailableError.
   */
  static async open(path: string, opts: GraphOptions, bytes?: Uint8Array): Promise<OnnxGraph> {
    try {
      const options = sessionOptions(opts);
      const session = bytes
        ? await ort.InferenceSession.create(bytes, options)
        : await ort.InferenceSession.create(path, options);
      return new OnnxGraph(session, path);
    } catch (err) {
      const message = (err as Error).message;
      if (opts.executionProvider === 'cuda' && /cuda|provider|shared librar/i.test(message)) {
        throw new ExecutionProviderUnavailableError(
          `the CUDA execution provider is unavailable (${message}); it needs an NVIDIA GPU, ` +
            `CUDA 12 and onnxruntime-node's CUDA providers, which npm ci skips (.npmrc): ` +
            `add them with \`ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node\` ` +
            `from the repository root, or use executionProvider 'cpu'`,
          { cause: err },
        );
      }
      throw new ModelLoadError(`cannot load ${path}: ${message}`, { cause: err });
    }
  }

  /**
   * Runs the graph; int64 inputs are given as BigInt64Array (1-D). int64 outputs (class labels)
   * come back as float32 values, exact for magnitudes below 2^24.
   * @throws ModelRunError, also for an output of another element type.
   */
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
      if (t.type === 'float32') return { data: t.data as Float32Array, dims: t.dims };
      if (t.type === 'int64') {
        return { data: Float32Array.from(t.data as BigInt64Array, Number), dims: t.dims };
      }
      throw new ModelRunError(`${this.path}: output ${name} is ${t.type}, not float32 or int64`);
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
 * anchors, which belong to the weights and travel with them. The mask head is loaded without
 * its last layer, which is returned as `maskUpsample` (see mask-head-graph.ts).
 */
export class MaskRcnn2GoGraphs {
  private constructor(
    private readonly backbone: OnnxGraph,
    private readonly box: OnnxGraph,
    private readonly mask: OnnxGraph,
    private readonly maskOutput: string,
    /** The anchors as [x1, y1, x2, y2] × 15 around the cell at the origin. */
    readonly anchors: Float32Array,
    /** The mask head's detached last layer: logits → per-class probabilities. */
    readonly maskUpsample: ClassUpsample,
    /** Which graphs quantize between layers (QDQ): all ('int8'), the heads, or none. */
    readonly precision: Precision,
  ) {}

  /**
   * Opens backbone_rpn.onnx, box_head.onnx, mask_head.onnx and anchors.json from `dir`.
   * @throws ModelLoadError for a missing or malformed file.
   * @throws ExecutionProviderUnavailableError when `executionProvider` cannot run here.
   */
  static async load(dir: string, opts: GraphOptions): Promise<MaskRcnn2GoGraphs> {
    const anchors = await loadAnchors(join(dir, 'anchors.json'));
    const backbonePath = join(dir, 'backbone_rpn.onnx');
    const backboneModel = await readModel(backbonePath);
    const backbone = await OnnxGraph.open(backbonePath, opts, backboneModel);
    const box = await OnnxGraph.open(join(dir, 'box_head.onnx'), opts);
    const maskPath = join(dir, 'mask_head.onnx');
    const detached = detachMaskUpsample(await readModel(maskPath), maskPath);
    const mask = await OnnxGraph.open(maskPath, opts, detached.graph);
    const precision: Precision = !detached.quantized
      ? 'float'
      : quantizes(onnx.ModelProto.decode(backboneModel).graph ?? {})
        ? 'int8'
        : 'int8-heads';
    return new MaskRcnn2GoGraphs(
      backbone,
      box,
      mask,
      detached.output,
      anchors,
      detached.upsample,
      precision,
    );
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

  /**
   * [D, 81, 12, 12] mask logits for `rois` (resized-image pixels); `maskUpsample` turns one
   * class's map into the graph's [24, 24] probabilities.
   */
  async maskHead(feat: FloatTensor, rois: Float32Array): Promise<FloatTensor> {
    const [logits] = await this.mask.run(roiFeeds(feat, rois), [this.maskOutput]);
    return logits;
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

async function readModel(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new ModelLoadError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
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
