/** The service's API as both sides see it: what `getMask`, `detect` and `info` take and return. */

/** Options of `getMask(image, options)`; every key optional. */
export interface GetMaskOptions {
  /** Draw instances scoring at least this, 0..1 (default 0.5). */
  scoreThreshold?: number;
  /** Draw only these COCO class names, e.g. ["person", "cup"]. */
  classes?: string[];
  /** Encoding of the composite (default jpeg). */
  format?: 'jpeg' | 'png';
  /** JPEG quality 1..100 (default 85). */
  quality?: number;
  /** Drop the call if no reply can reach the caller within this many ms (the header's `timeout_ms` does the same). */
  timeoutMs?: number;
}

/** Options of `detect(image, options)`; every key optional. */
export interface DetectOptions {
  /** Keep instances scoring at least this, 0..1 (default 0.5). */
  scoreThreshold?: number;
  /** Keep at most this many instances, best first (default 100). */
  maxDetections?: number;
  /** false skips the mask head and the RLE work (default true). */
  masks?: boolean;
  /** Keep only these COCO class names. */
  classes?: string[];
  /** Drop the call if no reply can reach the caller within this many ms (the header's `timeout_ms` does the same). */
  timeoutMs?: number;
}

/** A COCO compressed RLE in original-image pixels; runs go down columns, as pycocotools has it. */
export interface CocoRle {
  /** [height, width] */
  size: [number, number];
  counts: string;
}

export interface DetectedInstance {
  /** COCO class name, e.g. "person". */
  label: string;
  /** The model's class index, 1..80. */
  classId: number;
  score: number;
  /**
   * [x1, y1, x2, y2] in original-image pixels, inclusive (Detectron's convention): the box is
   * `x2 - x1 + 1` pixels wide and `y2 - y1 + 1` high, and COCO's `[x, y, w, h]` is
   * `[x1, y1, x2 - x1 + 1, y2 - y1 + 1]`.
   */
  box: [number, number, number, number];
  /** Absent when `masks: false` was asked for. */
  mask?: CocoRle;
}

export interface DetectResult {
  width: number;
  height: number;
  /** The model that answered, e.g. "maskrcnn2go". */
  model: string;
  /** Server-side milliseconds per stage (decode, preprocess, model, postprocess, masks, encode, total). */
  timingsMs: Record<string, number>;
  instances: DetectedInstance[];
}

/** The model a server runs, as `info()` reports it. */
export interface ModelInfo {
  /** e.g. "maskrcnn2go", "resnet50-fpn" */
  name: string;
  /** Where its weights came from. */
  source: string;
  /** Class names in class-id order: `classes[id - 1]` is class `id`. */
  classes: string[];
  /** The resize rule, in words. */
  inputSize: string;
}

/** Calls waiting for a worker and running on one, and the limits on the wait. */
export interface QueueInfo {
  /** Calls that may wait in all; one more is refused with `Overloaded`. */
  limit: number;
  /** Calls one peer (one socket) may have waiting. */
  perPeerLimit: number;
  /** The longest a call waits for a worker before it fails with `DeadlineExceeded`. */
  maxWaitMs: number;
  waiting: number;
  running: number;
}

/** What happened to calls and messages since the server started, by outcome. */
export interface ServerCounters {
  /** Messages dropped without a reply (nothing in them to reply to), by reason. */
  dropped: Record<string, number>;
  /** Calls answered with an error, by error name. */
  errors: Record<string, number>;
  /** Calls whose caller stopped beating, or whose deadline passed, before their work finished. */
  abandoned: { lostCaller: number; deadline: number };
  /** Inference workers replaced after they crashed or overran `--job-timeout-ms`. */
  workerRestarts: number;
  /** Connections that failed their handshake: plaintext clients of a CURVE server, refused keys. */
  refusedHandshakes: number;
}

export interface ServerInfo {
  name: string;
  version: string;
  model: ModelInfo;
  executionProvider: string;
  threads: number;
  workers: number;
  queue: QueueInfo;
  heartbeatMs: number;
  maxInputPixels: number;
  /** The largest request accepted, in bytes; ZeroMQ drops the connection of a sender over it. */
  maxMessageBytes: number;
  /** How callers are let in: in the clear, CURVE for anyone with the server's key, or CURVE for listed keys. */
  security: 'none' | 'curve' | 'curve-allow-list';
  counters: ServerCounters;
  /** The server process's memory now (its workers' not included), in MiB. */
  memoryMiB: { rss: number; heapUsed: number; external: number };
}
