/**
 * `fetch-model`: the command a user runs to download and convert a model ahead of time (or on
 * a machine with internet access, to copy the cache folder elsewhere). The server's CLI mounts
 * it as a subcommand and hands it the remaining arguments.
 */
import { parseArgs } from 'node:util';
import { ensureModel } from './ensure.js';
import { DEFAULT_MODEL, MODELS } from './manifest.js';
import { PRECISIONS, type Precision } from './precision.js';
import { createProgressReporter, type ProgressStream } from './progress.js';

/** The usage text, also printed for --help. */
export const FETCH_MODEL_USAGE = `usage: fetch-model [MODEL] [options]

Downloads MODEL (default ${DEFAULT_MODEL}), verifies its checksums, converts it to ONNX where
needed, and prints the folder of its ready files.

options:
  --cache-dir DIR   cache root (default $MASKRCNN_ZMQ_CACHE, $XDG_CACHE_HOME/maskrcnn-zmq
                    or ~/.cache/maskrcnn-zmq)
  --base-url URL    fetch from a mirror: URL/MODEL/FILE (default $MASKRCNN_ZMQ_MODEL_BASE_URL,
                    else the pinned upstream URLs)
  --seed-from DIR   copy files from DIR before downloading (verified like downloads)
  --offline         never download; list what is missing and where it goes
  --precision P     float (default), int8 (QDQ graphs from the Caffe2 int8 scales) or
                    int8-heads (QDQ heads on a float backbone), each in its own folder
                    (onnx-int8/, onnx-int8-heads/)
  --list            list the known models
  -h, --help        show this text`;

/** Where the command writes: its result to stdout, progress and errors to stderr. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
}

/**
 * Runs `fetch-model` with `argv` (the arguments after the subcommand's name).
 * @returns the exit status: 0 done, 1 the model could not be made ready, 2 bad usage.
 */
export async function fetchModelCli(argv: string[], io: CliIo = process): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.stderr.write(`fetch-model: ${(error as Error).message}\n${FETCH_MODEL_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${FETCH_MODEL_USAGE}\n`);
    return 0;
  }
  if (values.list) {
    for (const spec of Object.values(MODELS)) {
      io.stdout.write(`${spec.name}\t${spec.format}\t${spec.licence}\t${spec.title}\n`);
    }
    return 0;
  }
  if (positionals.length > 1) {
    io.stderr.write(`fetch-model: one model at a time, got ${positionals.join(', ')}\n`);
    return 2;
  }
  const precision = values.precision ?? 'float';
  if (!(PRECISIONS as readonly string[]).includes(precision)) {
    io.stderr.write(
      `fetch-model: --precision must be ${PRECISIONS.join(', ')}, got ${precision}\n`,
    );
    return 2;
  }
  try {
    const model = await ensureModel(positionals[0] ?? DEFAULT_MODEL, {
      cacheDir: values['cache-dir'],
      baseUrl: values['base-url'],
      seedFrom: values['seed-from'],
      allowDownload: !values.offline,
      precision: precision as Precision,
      onProgress: createProgressReporter(io.stderr, 'fetch-model'),
    });
    io.stdout.write(`${model.dir}\n`);
    return 0;
  } catch (error) {
    io.stderr.write(`fetch-model: ${(error as Error).message}\n`);
    return 1;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'cache-dir': { type: 'string' },
      'base-url': { type: 'string' },
      'seed-from': { type: 'string' },
      offline: { type: 'boolean' },
      precision: { type: 'string' },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
