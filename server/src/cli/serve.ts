import type { Command } from 'commander';
import { createLogger } from '../log.js';
import { DEFAULT_PORT, VisionServer } from '../server.js';
import { modelOptions, serverOptions } from './server-options.js';

export function serveCommand(program: Command): void {
  const command = program
    .command('serve', { isDefault: true })
    .description('start the Mask R-CNN server (loads and warms the model, then logs "ready")')
    .option(
      '--bind <endpoint>',
      'ZeroMQ endpoint to bind; tcp://0.0.0.0:38282 serves other machines',
      `tcp://127.0.0.1:${DEFAULT_PORT}`,
    )
    .option('--log-level <level>', 'trace, debug, info, warn, error', 'info');
  modelOptions(command).action(async (options) => {
    const log = createLogger(options.logLevel);
    // Listening before start logs "ready", so a signal sent on seeing it is always a clean stop.
    let server: VisionServer | undefined;
    const stop = async (signal: string) => {
      log.info({ signal }, 'shutting down');
      await server?.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    server = await VisionServer.start({
      ...(await serverOptions(options, log)),
      bind: options.bind,
    });
  });
}
