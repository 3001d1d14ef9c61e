import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { createLogger } from '../log.js';
import { DEFAULT_PORT, VisionServer } from '../server.js';
import { integer } from './parse.js';

export function serveCommand(program: Command): void {
  program
    .command('serve', { isDefault: true })
    .description('start the Mask R-CNN server (loads and warms the model, then logs "ready")')
    .option(
      '--bind <endpoint>',
      'ZeroMQ endpoint to bind; tcp://0.0.0.0:38282 serves other machines',
      `tcp://127.0.0.1:${DEFAULT_PORT}`,
    )
    .option(
      '--model-dir <dir>',
      'folder holding backbone_rpn.onnx, box_head.onnx, mask_head.onnx, anchors.json',
    )
    .option('--execution-provider <ep>', 'cpu or cuda', 'cpu')
    .option('--threads <n>', 'onnxruntime threads per worker', integer, availableParallelism())
    .option('--workers <n>', 'inference worker threads, each with its own model copy', integer, 1)
    .option('--queue <n>', 'requests that may wait before callers get Overloaded', integer, 16)
    .option(
      '--heartbeat-ms <ms>',
      'zerorpc heartbeat interval (clients must use the same)',
      integer,
      5000,
    )
    .option('--max-pixels <n>', 'largest image accepted, in pixels', integer, 50_000_000)
    .option('--max-message-mb <n>', 'largest request accepted, in MiB', integer, 64)
    .option('--log-level <level>', 'trace, debug, info, warn, error', 'info')
    .action(async (options) => {
      const log = createLogger(options.logLevel);
      const server = await VisionServer.start({
        bind: options.bind,
        modelDir: options.modelDir,
        executionProvider: options.executionProvider,
        threads: options.threads,
        workers: options.workers,
        queueLimit: options.queue,
        heartbeatMs: options.heartbeatMs,
        maxInputPixels: options.maxPixels,
        maxMessageBytes: options.maxMessageMb * 1024 * 1024,
        log,
      });
      const stop = async (signal: string) => {
        log.info({ signal }, 'shutting down');
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
