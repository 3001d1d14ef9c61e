/**
 * Conversion inside the cache: runs once, writes each output atomically, and leaves a stamp
 * (`.conversion.json` beside the outputs) with the converter version, the precision, the
 * sha256 of the inputs and of every output. The outputs are trusted while that stamp matches;
 * new inputs or a new converter version mean converting again. Each precision has its own
 * folder, so each has its own stamp.
 */

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { type FileSum, writeStamp } from '../checksum.js';
import type { Precision } from '../precision.js';
import type { ProgressListener } from '../progress.js';
import { CONVERTER_VERSION, convertMaskRcnn2go, MASKRCNN2GO_OUTPUTS } from './convert.js';

/** What a finished conversion recorded. */
export interface ConversionStamp {
  converter: 'caffe2-maskrcnn';
  version: number;
  /** What the graphs compute in; absent in stamps written before int8 graphs existed: float. */
  precision?: Precision;
  /** sha256 of each input, by file name. */
  inputs: Record<string, string>;
  /** Size and sha256 of each output, by file name. */
  outputs: Record<string, FileSum>;
}

const STAMP_NAME = '.conversion.json';

/** The stamp in `outDir`, or null when there is none or it is unreadable. */
export async function readConversionStamp(outDir: string): Promise<ConversionStamp | null> {
  try {
    return JSON.parse(await readFile(join(outDir, STAMP_NAME), 'utf8')) as ConversionStamp;
  } catch {
    return null;
  }
}

/**
 * Whether `stamp` was written by this converter version, at `precision`, from inputs with
 * these sums. Inputs whose sum is null (unknown) match any recorded sum.
 */
export function stampIsCurrent(
  stamp: ConversionStamp | null,
  inputs: Record<string, string | null>,
  precision: Precision = 'float',
): stamp is ConversionStamp {
  if (
    stamp?.converter !== 'caffe2-maskrcnn' ||
    stamp.version !== CONVERTER_VERSION ||
    (stamp.precision ?? 'float') !== precision
  ) {
    return false;
  }
  return Object.entries(inputs).every(
    ([name, sha]) => sha === null || stamp.inputs?.[name] === sha,
  );
}

/** The Caffe2 pair to convert: paths and their verified sums. */
export interface ConversionInputs {
  predictNet: { path: string; sha256: string };
  initNet: { path: string; sha256: string };
}

/**
 * Converts the pair into `outDir` (see the module comment), reporting one step per file.
 * @returns the stamp it wrote.
 * @throws {ConversionError} when the nets cannot be converted; no stamp is written then.
 */
export async function convertIntoCache(
  model: string,
  inputs: ConversionInputs,
  outDir: string,
  onProgress: ProgressListener,
  precision: Precision = 'float',
): Promise<ConversionStamp> {
  const started = performance.now();
  const steps = MASKRCNN2GO_OUTPUTS.length;
  onProgress({ type: 'convert-start', model, steps, precision });
  const [net, init] = await Promise.all([
    readFile(inputs.predictNet.path),
    readFile(inputs.initNet.path),
  ]);
  const outputs: Record<string, FileSum> = {};
  for (const file of convertMaskRcnn2go(net, init, precision)) {
    const path = join(outDir, file.name);
    const sha256 = createHash('sha256').update(file.bytes).digest('hex');
    await writeFileAtomic(path, file.bytes);
    await writeStamp(path, sha256);
    outputs[file.name] = { bytes: file.bytes.byteLength, sha256 };
    onProgress({
      type: 'convert-step',
      model,
      file: file.name,
      done: Object.keys(outputs).length,
      steps,
    });
  }
  const stamp: ConversionStamp = {
    converter: 'caffe2-maskrcnn',
    version: CONVERTER_VERSION,
    precision,
    inputs: { 'model.pb': inputs.predictNet.sha256, 'model_init.pb': inputs.initNet.sha256 },
    outputs,
  };
  await writeFileAtomic(join(outDir, STAMP_NAME), `${JSON.stringify(stamp, null, 2)}\n`);
  onProgress({ type: 'convert-done', model, elapsedMs: performance.now() - started });
  return stamp;
}
