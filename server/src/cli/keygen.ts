import { writeCertificates } from '@maskrcnn-zmq/shared';
import type { Command } from 'commander';

export function keygenCommand(program: Command): void {
  program
    .command('keygen')
    .description(
      'write a CURVE key pair: NAME.key (public, to hand out) and NAME.key_secret (owner-only)',
    )
    .argument('<name>', 'e.g. server, or the name of a client such as robot')
    .option('--dir <dir>', 'where to write the two files', '.')
    .action(async (name: string, options: { dir: string }) => {
      const { publicFile, secretFile } = await writeCertificates(options.dir, name);
      process.stdout.write(`${publicFile}\n${secretFile}\n`);
    });
}
