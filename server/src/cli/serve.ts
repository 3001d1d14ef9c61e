import { readCertificate } from '@maskrcnn-zmq/shared';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { createLogger } from '../log.js';
import { Counters } from '../ops/counters.js';
import { OpsServer } from '../ops/ops-server.js';
import { DEFAULT_PORT, type ServerOptions, VisionServer } from '../server.js';
import { grpcDoorOptions, grpcOptions } from './grpc-options.js';
import { httpDoorOptions, httpOptions } from './http-options.js';
import { integer, port } from './parse.js';
import { modelOptions, serverOptions } from './server-options.js';

/** How long the process may stay up after shutdown; only a leaked timer or socket keeps it that long. */
const EXIT_BACKSTOP_MS = 5000;

export function serveCommand(program: Command): void {
  const command = program
    .command('serve', { isDefault: true })
    .description('start the Mask R-CNN server (loads and warms the model, then logs "ready")')
    .option(
      '--bind <endpoint>',
      'ZeroMQ endpoint to bind; tcp://0.0.0.0:38282 serves other machines',
      `tcp://127.0.0.1:${DEFAULT_PORT}`,
    )
    .option(
      '--shutdown-grace-ms <ms>',
      'on SIGTERM/SIGINT, how long running calls get to finish',
      integer,
      10_000,
    )
    .option(
      '--curve-secret-key <file>',
      "require CURVE encryption, with this server's secret certificate (NAME.key_secret)",
    )
    .option(
      '--curve-allow <dirOrFile>',
      'with CURVE, let in only these client public keys (a folder of *.key, or one); SIGHUP reads it again',
    )
    .option(
      '--metrics-port <port>',
      'serve /metrics, /healthz and /readyz over HTTP on this port',
      port,
    )
    .option('--metrics-bind <address>', 'address for --metrics-port', '127.0.0.1')
    .option(
      '--insecure',
      'let the HTTP and gRPC doors serve other machines without TLS or tokens (a warning is logged at start)',
    )
    .option('--log-level <level>', 'trace, debug, info, warn, error', 'info');
  httpOptions(grpcOptions(modelOptions(command))).action(async (options) => {
    const log = createLogger(options.logLevel);
    // Listening before start logs "ready", so a signal sent on seeing it is always a clean stop.
    let server: VisionServer | undefined;
    let ops: OpsServer | undefined;
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) {
        log.warn({ signal }, 'second signal: stopping now, without waiting for running calls');
        process.exit(1);
      }
      stopping = true;
      log.info({ signal, graceMs: options.shutdownGraceMs }, 'shutting down');
      // Still loading the model: no call to answer, nothing to flush.
      if (!server) process.exit(0);
      await server.shutdown(options.shutdownGraceMs);
      await ops?.close();
      // Ending by itself, not by process.exit(): only then does ZeroMQ send the replies it still
      // holds (up to the server's flush time) before the process goes; process.exit() drops them.
      setTimeout(() => {
        log.warn(
          { holding: process.getActiveResourcesInfo() },
          'still held after shutdown; exiting',
        );
        process.exit(0);
      }, EXIT_BACKSTOP_MS).unref();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    process.on('SIGHUP', () => void server?.reloadAllowList());
    const counters = new Counters();
    if (options.metricsPort !== undefined) {
      // Up before the model loads, so that /readyz says "warming up" rather than nothing.
      ops = await OpsServer.start({
        port: options.metricsPort,
        host: options.metricsBind,
        registry: counters.registry,
        ready: () => server?.ready ?? false,
      });
      log.info({ url: ops.url }, 'metrics and health on HTTP');
    }
    try {
      server = await VisionServer.start({
        ...(await serverOptions(options, log)),
        bind: options.bind,
        curve: await serverCurve(options),
        grpc: await grpcDoorOptions(options),
        http: httpDoorOptions(options),
        insecure: options.insecure,
        counters,
      });
    } catch (error) {
      // The metrics server would keep a process that failed to start alive.
      await ops?.close();
      throw error;
    }
  });
}

/** The server's CURVE settings from `--curve-secret-key` and `--curve-allow`, if any. */
async function serverCurve(flags: {
  curveSecretKey?: string;
  curveAllow?: string;
}): Promise<ServerOptions['curve']> {
  if (!flags.curveSecretKey) {
    if (flags.curveAllow) throw new InvalidArgumentError('--curve-allow needs --curve-secret-key');
    return undefined;
  }
  const { publicKey, secretKey } = await readCertificate(flags.curveSecretKey, true);
  return { publicKey, secretKey: secretKey!, allowFrom: flags.curveAllow };
}
