import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VisionClient } from '@maskrcnn-zmq/shared';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { loadCocoDataset } from '../coco/coco-dataset.js';
import { formatScores, runEval } from '../eval/run-eval.js';
import { createLogger } from '../log.js';
import { VisionServer } from '../server.js';
import { clientCurveKeys, clientKeyOptions } from './curve-keys.js';
import { integer } from './parse.js';
import { modelOptions, serverOptions } from './server-options.js';

export function evalCommand(program: Command): void {
  const command = program
    .command('eval')
    .description(
      'run detect over a COCO folder (images + instances JSON) and print mask and box AP, AP50, AP75',
    )
    .argument(
      '<folder>',
      'a folder with instances.json and images/ (or give --annotations, --images)',
    )
    .option('--annotations <file>', 'COCO instances JSON (default <folder>/instances.json)')
    .option('--images <dir>', 'image folder (default <folder>/images)')
    .option('--endpoint <endpoint>', 'evaluate a running server instead of one started in-process')
    .option('--limit <n>', 'only the first n images', integer)
    .option('--results <file>', 'also write the detections as a COCO results JSON');
  modelOptions(clientKeyOptions(command)).action(async (folder: string, options) => {
    const dataset = await loadCocoDataset(options.annotations ?? join(folder, 'instances.json'));
    const log = createLogger('warn');
    const server = options.endpoint
      ? undefined
      : await VisionServer.start({
          ...(await serverOptions(options, log)),
          bind: 'inproc://maskrcnn-zmq-eval',
        });
    const client = new VisionClient({
      endpoint: options.endpoint ?? server!.endpoint,
      timeoutMs: 120_000,
      curve: options.endpoint ? await clientCurveKeys(options) : undefined,
    });
    const bar = new cliProgress.SingleBar(
      { format: 'eval [{bar}] {value}/{total} images, {eta}s left', stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    try {
      bar.start(Math.min(options.limit ?? Number.POSITIVE_INFINITY, dataset.images.length), 0);
      const report = await runEval(client, dataset, {
        imagesDir: options.images ?? join(folder, 'images'),
        limit: options.limit,
        onImage: (done) => bar.update(done),
      });
      bar.stop();
      process.stdout.write(`${formatScores(report)}\n`);
      if (options.results) await writeFile(options.results, JSON.stringify(report.detections));
    } finally {
      bar.stop();
      client.close();
      await server?.close();
    }
  });
}
