import { readFileSync } from 'node:fs';
import type { ServerInfo } from '@maskrcnn-zmq/shared';
import type { Logger } from 'pino';
import { CallRunner } from './calls/call-runner.js';
import { type Exposure, exposureOf, isLoopback } from './doors/exposure.js';
import { GrpcDoor, type GrpcDoorOptions } from './doors/grpc/grpc-door.js';
import { HttpDoor, type HttpDoorOptions } from './doors/http/http-door.js';
import { JobPool, type JobPoolOptions } from './jobs/job-pool.js';
import { detect } from './methods/detect.js';
import { getMask } from './methods/get-mask.js';
import { info } from './methods/info.js';
import { Counters } from './ops/counters.js';
import { ClientAllowList } from './rpc/client-allow-list.js';
import { Dispatcher } from './rpc/dispatch.js';
import { RpcRouter } from './rpc/router.js';

export const SERVER_NAME = 'maskrcnn-zmq';
export const DEFAULT_PORT = 38282;

export interface ServerOptions extends JobPoolOptions {
  /** ZeroMQ endpoint; `tcp://0.0.0.0:38282` to serve other machines. */
  bind: string;
  heartbeatMs: number;
  /** The largest request accepted, in bytes. */
  maxMessageBytes: number;
  log: Logger;
  /**
   * CURVE encryption: the server's key pair (Z85), and where the client public keys it lets in
   * are (a folder of `*.key` certificates, or one file; read again by `reloadAllowList`).
   * Without `allowFrom`, any client that knows the server's public key may call.
   */
  curve?: { publicKey: string; secretKey: string; allowFrom?: string };
  /** Where calls and messages are counted (and served as metrics); a fresh one by default. */
  counters?: Counters;
  /** The gRPC door (the Open Inference Protocol); none when absent. */
  grpc?: GrpcDoorOptions;
  /** The HTTP door (page, `/v1`, Open Inference REST); none when absent. */
  http?: HttpDoorOptions;
  /** Lets a door without TLS serve other machines (with a warning at start). */
  insecure?: boolean;
}

/** How long replies already made get to leave when the server closes: a 50-megapixel composite on a busy machine needs seconds. */
const FLUSH_MS = 5000;

const { version } = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
);

/** The Mask R-CNN service: a zerorpc ROUTER in front of a pool of inference worker processes. */
export class VisionServer {
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly router: RpcRouter,
    private readonly runner: CallRunner,
    private readonly pool: JobPool,
    private readonly log: Logger,
    private readonly allowList: ClientAllowList | undefined,
    private readonly grpc: GrpcDoor | undefined,
    private readonly http: HttpDoor | undefined,
  ) {}

  /**
   * Loads and warms the model in every worker, then binds. Resolves once the server answers
   * calls; "ready" is logged only then.
   */
  static async start(options: ServerOptions): Promise<VisionServer> {
    const { log, curve } = options;
    // Refused before the model loads, so a wrong command line fails at once.
    const insecure = options.insecure ?? false;
    const grpcExposure =
      options.grpc &&
      exposureOf('gRPC', options.grpc.host, {
        secured: options.grpc.tls !== undefined,
        insecure,
        securingFlags: '--grpc-tls-cert and --grpc-tls-key for TLS',
      });
    const httpExposure =
      options.http &&
      exposureOf('HTTP', options.http.host, {
        secured: options.http.tls !== undefined && options.http.tokensFile !== undefined,
        insecure,
        securingFlags:
          '--http-tls-cert, --http-tls-key and --http-tokens for TLS and bearer tokens',
      });
    const allowList = curve?.allowFrom
      ? await ClientAllowList.load(curve.allowFrom, log)
      : undefined;
    const loading = performance.now();
    const counters = options.counters ?? new Counters();
    const pool = await JobPool.start(options, log, counters);
    counters.watchQueue(() => pool.stats());
    counters.model(pool.model.name, pool.model.executionProvider);
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
      maxMessageBytes: options.maxMessageBytes,
      security: curve ? (allowList ? 'curve-allow-list' : 'curve') : 'none',
      counters: counters.snapshot(),
      memoryMiB: memoryMiB(),
    });
    const dispatcher = new Dispatcher(SERVER_NAME, [
      getMask(pool),
      detect(pool),
      info(describeServer),
    ]);
    const runner = new CallRunner(counters, log);
    let router: RpcRouter | undefined;
    let grpc: GrpcDoor | undefined;
    let http: HttpDoor | undefined;
    try {
      router = await RpcRouter.listen(dispatcher, {
        ...options,
        counters,
        runner,
        curve: curve && { secretKey: curve.secretKey, gate: allowList?.admits },
      });
      if (options.grpc) {
        grpc = await GrpcDoor.listen(options.grpc, {
          runner,
          pool,
          server: { name: SERVER_NAME, version },
          maxMessageBytes: options.maxMessageBytes,
        });
      }
      if (options.http) {
        http = await HttpDoor.listen(options.http, {
          runner,
          dispatcher,
          pool,
          server: { name: SERVER_NAME, version },
          maxMessageBytes: options.maxMessageBytes,
          log,
        });
      }
    } catch (error) {
      await Promise.all([router?.close(), grpc?.close()]);
      pool.close();
      throw error;
    }
    const { counters: _, memoryMiB: __, ...described } = describeServer();
    warnAboutSecurity(router.endpoint, options, allowList, log);
    warnIfInsecure('gRPC', grpcExposure, options.grpc?.host, log);
    warnIfInsecure('HTTP', httpExposure, options.http?.host, log);
    log.info(
      {
        endpoint: router.endpoint,
        grpcPort: grpc?.port,
        httpUrl: http?.url,
        ...described,
        model: pool.model.name,
      },
      'ready',
    );
    return new VisionServer(router, runner, pool, log, allowList, grpc, http);
  }

  /**
   * Reads the client allow-list and the HTTP tokens again (SIGHUP); connected clients stay
   * connected.
   */
  async reloadAllowList(): Promise<void> {
    if (this.allowList) await this.allowList.reload();
    else this.log.info('no --curve-allow list to read again');
    await this.http?.reloadTokens();
  }

  /** The HTTP door's address, e.g. `http://127.0.0.1:8080`; undefined without one. */
  get httpUrl(): string | undefined {
    return this.http?.url;
  }

  /** The bound endpoint. */
  get endpoint(): string {
    return this.router.endpoint;
  }

  /** The gRPC door's port, when it has one. */
  get grpcPort(): number | undefined {
    return this.grpc?.port;
  }

  /** Whether it takes calls: true from start until shutdown begins. */
  get ready(): boolean {
    return this.runner.accepting;
  }

  /**
   * Stops cleanly: new calls get `ShuttingDown`, waiting calls get `ShuttingDown` at once,
   * running calls get up to `graceMs` to finish (and `ShuttingDown` after it), then the replies
   * are flushed and the workers stopped. Calling it again returns the same promise.
   */
  shutdown(graceMs: number): Promise<void> {
    this.stopping ??= (async () => {
      this.runner.refuseNewCalls();
      await this.pool.drain(graceMs);
      await Promise.all([
        this.router.close(FLUSH_MS),
        this.grpc?.close(FLUSH_MS),
        this.http?.close(FLUSH_MS),
      ]);
      this.pool.close();
      this.log.info('stopped');
    })();
    return this.stopping;
  }

  /** Stops at once: open calls are abandoned unanswered. For tests and failed starts. */
  async close(): Promise<void> {
    await Promise.all([this.router.close(), this.grpc?.close(), this.http?.close()]);
    this.pool.close();
  }
}

function memoryMiB(): ServerInfo['memoryMiB'] {
  const { rss, heapUsed, external } = process.memoryUsage();
  const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
  return { rss: mib(rss), heapUsed: mib(heapUsed), external: mib(external) };
}

/** A door serving other machines unprotected, because the operator said `--insecure`, says so. */
function warnIfInsecure(
  door: string,
  exposure: Exposure | undefined,
  host: string | undefined,
  log: Logger,
): void {
  if (exposure !== 'insecure') return;
  log.warn(
    { door, host },
    `${door} serves other machines unprotected (--insecure): anyone who reaches this port can use the model and read every image`,
  );
}

/** Says at start who can reach this server and what they can read. */
function warnAboutSecurity(
  endpoint: string,
  { curve }: ServerOptions,
  allowList: ClientAllowList | undefined,
  log: Logger,
): void {
  if (!curve) {
    if (!isLocal(endpoint)) {
      log.warn(
        { endpoint },
        'serving other machines without encryption: anyone who reaches this port can use the model and read every frame; see --curve-secret-key and --curve-allow',
      );
    }
    return;
  }
  log.info(
    { publicKey: curve.publicKey },
    'CURVE encryption on; clients need this server public key',
  );
  if (allowList)
    log.info({ keys: allowList.size, path: curve.allowFrom }, 'clients are let in by key');
  else
    log.warn(
      'CURVE without --curve-allow: any client that knows the server public key may call (encryption only)',
    );
}

/** Whether only this machine can reach a ZeroMQ `endpoint`: in-process, IPC, or TCP on loopback. */
function isLocal(endpoint: string): boolean {
  const tcp = /^tcp:\/\/(.+):[^:]+$/.exec(endpoint);
  return tcp ? isLoopback(tcp[1]) : /^(inproc|ipc):\/\//.test(endpoint);
}
