import { readFileSync } from 'node:fs';
import type { ServerInfo } from '@maskrcnn-zmq/shared';
import type { Logger } from 'pino';
import type { WorkerConfig } from './inference/jobs.js';
import { WorkerPool } from './inference/worker-pool.js';
import { detect } from './methods/detect.js';
import { getMask } from './methods/get-mask.js';
import { info } from './methods/info.js';
import { Dispatcher } from './rpc/dispatch.js';
import { RpcRouter } from './rpc/router.js';

export const SERVER_NAME = 'maskrcnn-zmq';
export const DEFAULT_PORT = 38282;

export interface ServerOptions extends WorkerConfig {
  /** ZeroMQ endpoint; `tcp://0.0.0.0:38282` to serve other machines. */
  bind: string;
  /** Inference workers (threads), each with its own model copy. */
  workers: number;
  /** Requests that may wait for a worker before callers get `Overloaded`. */
  queueLimit: number;
  heartbeatMs: number;
  maxMessageBytes: number;
  log: Logger;
}

const { version } = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
);

/** The Mask R-CNN service: a zerorpc ROUTER in front of a pool of inference workers. */
export class VisionServer {
  private constructor(
    private readonly router: RpcRouter,
    private readonly pool: WorkerPool,
  ) {}

  /**
   * Loads and warms the model in every worker, then binds. Resolves once the server answers
   * calls; "ready" is logged only then.
   */
  static async start(options: ServerOptions): Promise<VisionServer> {
    const { log } = options;
    const loading = performance.now();
    const pool = await WorkerPool.start(options, log);
    log.info(
      { model: pool.model.name, ms: Math.round(performance.now() - loading) },
      'model loaded and warmed up',
    );
    const { executionProvider, threads, ...model } = pool.model;
    const describeServer = (): ServerInfo => ({
      name: SERVER_NAME,
      version,
      model,
      executionProvider,
      threads,
      workers: options.workers,
      queue: pool.stats(),
      heartbeatMs: options.heartbeatMs,
      maxInputPixels: options.maxInputPixels,
    });
    const dispatcher = new Dispatcher(SERVER_NAME, [
      getMask(pool),
      detect(pool),
      info(describeServer),
    ]);
    const router = new RpcRouter(dispatcher, options);
    try {
      await router.listen();
    } catch (error) {
      await pool.close();
      throw error;
    }
    log.info({ endpoint: router.endpoint, ...describeServer(), model: pool.model.name }, 'ready');
    return new VisionServer(router, pool);
  }

  /** The bound endpoint. */
  get endpoint(): string {
    return this.router.endpoint;
  }

  async close(): Promise<void> {
    this.router.close();
    await this.pool.close();
  }
}
