import { readFile, writeFile } from 'node:fs/promises';
import { VisionClient } from '@maskrcnn-zmq/shared';
import type { Command } from 'commander';
import { DEFAULT_PORT } from '../server.js';
import { clientCurveKeys, clientKeyOptions } from './curve-keys.js';
import { fraction, integer } from './parse.js';

export function callCommand(program: Command): void {
  const command = program
    .command('call')
    .description('call getMask or detect on an image file and write the result')
    .argument('<method>', 'getMask or detect')
    .argument('<image>', 'a JPEG, PNG or WebP file')
    .option('--endpoint <endpoint>', 'the server', `tcp://127.0.0.1:${DEFAULT_PORT}`)
    .option(
      '-o, --out <file>',
      'where to write the composite (getMask) or the JSON (detect; default stdout)',
    )
    .option('--score <threshold>', 'keep instances scoring at least this', fraction)
    .option('--classes <names>', 'comma-separated class names to keep', (value: string) =>
      value.split(','),
    )
    .option('--format <format>', 'composite format: jpeg or png')
    .option('--no-masks', 'detect: skip masks')
    .option('--timeout-ms <ms>', 'give up after this long', integer, 30_000);
  clientKeyOptions(command).action(async (method: string, imagePath: string, options) => {
    const client = new VisionClient({
      endpoint: options.endpoint,
      timeoutMs: options.timeoutMs,
      curve: await clientCurveKeys(options),
    });
    try {
      const image = await readFile(imagePath);
      const common = { scoreThreshold: options.score, classes: options.classes };
      if (method === 'getMask') {
        const composite = await client.getMask(image, { ...common, format: options.format });
        const out =
          options.out ?? `${imagePath.replace(/\.[^.]+$/, '')}.mask.${options.format ?? 'jpeg'}`;
        await writeFile(out, composite);
        process.stderr.write(`wrote ${out} (${composite.length} bytes)\n`);
      } else if (method === 'detect') {
        const result = await client.detect(image, { ...common, masks: options.masks });
        const json = `${JSON.stringify(result, null, 2)}\n`;
        if (options.out) await writeFile(options.out, json);
        else process.stdout.write(json);
      } else {
        throw new Error(`unknown method "${method}"; use getMask or detect`);
      }
    } finally {
      client.close();
    }
  });
}
