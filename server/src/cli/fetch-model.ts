import { FETCH_MODEL_USAGE, fetchModelCli } from '@maskrcnn-zmq/models';
import type { Command } from 'commander';

/** `fetch-model`, the models package's own command, mounted with its arguments passed through. */
export function fetchModelCommand(program: Command): void {
  program
    .command('fetch-model')
    .description('download, verify and convert a model ahead of time')
    .addHelpText('after', `\n${FETCH_MODEL_USAGE}`)
    .helpOption(false)
    .allowUnknownOption()
    .argument('[args...]')
    .action(async (args: string[]) => {
      process.exitCode = await fetchModelCli(args);
    });
}
