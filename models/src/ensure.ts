/**
 * ensureModel: the one call a server makes at start-up. It returns the folder of a model's
 * ready files, doing only what is missing, in this order:
 *
 *   ready files verified? ── yes ─→ done (sums come from stamps: no rehashing)
 *        │ no
 *   seedFrom has them? ───── yes ─→ copy, verify ─→ done
 *        │ no
 *   sources present, seeded or downloaded (verified) ─→ convert (if the model needs it) ─→ done
 *
 * When a file may not be downloaded, or the host cannot be reached, it throws a
 * ModelMissingError that lists every missing file, where it comes from and where to put it.
 *
 * A converted model comes in three precisions (precision.ts), each in its own folder with its own
 * stamp: float in `onnx/` (the reference conversion, which a seed may hold), int8 in
 * `onnx-int8/` and int8-heads in `onnx-int8-heads/` (made here from the Caffe2 files, trusted only
 * by their stamps).
 */
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { removeStaleParts } from './atomic-file.js';
import { modelDir, resolveCacheDir } from './cache-dir.js';
import {
  convertIntoCache,
  readConversionStamp,
  stampIsCurrent,
} from './convert/cached-conversion.js';
import { ModelFetchError, ModelMissingError } from './errors.js';
import { fetchFile, resolveSourceUrl } from './fetch.js';
import { getModelSpec, type ModelFile, type ModelSpec, type SourceFile } from './manifest.js';
import type { Precision } from './precision.js';
import { createProgressReporter, type ProgressListener } from './progress.js';
import { seedFile } from './seed.js';
import { checkFile } from './verify.js';

/** How {@link ensureModel} may get what is missing. */
export interface EnsureModelOptions {
  /** The cache root; see resolveCacheDir for the default and the environment variable. */
  cacheDir?: string;
  /** Download missing files (default true). False: only the cache and `seedFrom` are used. */
  allowDownload?: boolean;
  /**
   * A folder to copy missing files from before downloading: laid out like the model's cache
   * folder (`caffe2/`, `onnx/`) or flat. Copies are verified like downloads.
   */
  seedFrom?: string;
  /** A mirror: files are fetched from `<baseUrl>/<model>/<file name>` (else the env var). */
  baseUrl?: string;
  /** Progress; defaults to a bar or plain lines on stderr. */
  onProgress?: ProgressListener;
  /** Which graphs to make ready (default 'float'); the int8 forms only for a converted model. */
  precision?: Precision;
}

/** A model whose files are on disk and verified. */
export interface ReadyModel {
  name: string;
  /** The folder holding the ready files. */
  dir: string;
  /** Absolute path of each ready file, by file name (`backbone_rpn.onnx`, `anchors.json`). */
  files: Record<string, string>;
  spec: ModelSpec;
}

function describeFile(path: string, file: ModelFile, url?: string): string {
  const facts = [
    file.bytes === null ? null : `${file.bytes} bytes`,
    file.sha256 === null ? 'sha256 not published' : `sha256 ${file.sha256}`,
  ].filter(Boolean);
  return `  ${path}${url ? `\n      from ${url}` : ''}\n      (${facts.join(', ')})`;
}

function missingError(
  spec: ModelSpec,
  dir: string,
  baseUrl: string | undefined,
  why: string,
  wrong: string[],
  cause?: Error,
) {
  const sources = spec.sources.map((file) => ({
    path: join(dir, file.path),
    url: resolveSourceUrl(spec, file, baseUrl),
    sha256: file.sha256,
  }));
  const lines = [
    `model '${spec.name}' is not ready in ${dir} and ${why}. Put these files there:`,
    ...spec.sources.map((file, i) => describeFile(sources[i].path, file, sources[i].url)),
  ];
  if (spec.conversion) {
    lines.push(
      'or, instead, the converted files:',
      ...spec.ready.map((file) => describeFile(join(dir, file.path), file)),
    );
  }
  lines.push(`(or run fetch-model ${spec.name} where there is internet access and copy ${dir})`);
  if (wrong.length > 0) lines.push('Found, but not the expected files:', ...wrong);
  return new ModelMissingError(spec.name, sources, lines.join('\n'), cause ? { cause } : undefined);
}

/** The folder of the ready files at `precision`: the manifest's, or its `-int8…` sibling. */
function readyFolder(spec: ModelSpec, dir: string, precision: Precision): string {
  const folder = join(dir, dirname(spec.ready[0].path));
  return precision === 'float' ? folder : `${folder}-${precision}`;
}

async function readyIfValid(
  spec: ModelSpec,
  dir: string,
  precision: Precision,
): Promise<ReadyModel | null> {
  const readyDir = readyFolder(spec, dir, precision);
  const inputs = Object.fromEntries(spec.sources.map((s) => [basename(s.path), s.sha256]));
  const stamp = spec.conversion ? await readConversionStamp(readyDir) : null;
  const current = stampIsCurrent(stamp, inputs, precision) ? stamp : null;
  const files: Record<string, string> = {};
  for (const file of spec.ready) {
    const name = basename(file.path);
    const path = join(readyDir, name);
    // A converted output is good if it is what this converter made from these inputs, or
    // exactly the reference conversion (the float files one may put in place by hand).
    const made = current?.outputs[name];
    const accepted = [...(precision === 'float' ? [file] : []), ...(made ? [made] : [])];
    if (accepted.length === 0 || (await checkFile(path, accepted)).state !== 'ok') return null;
    files[name] = path;
  }
  return { name: spec.name, dir: readyDir, files, spec };
}

/**
 * Makes a model ready on disk and returns where it is (see the module comment).
 * @param name a manifest name ('maskrcnn2go', 'resnet50-fpn').
 * @throws {UnknownModelError} for a name not in the manifest.
 * @throws {ModelMissingError} when files are missing and downloading is off or the host is
 *   unreachable; the message lists each file, its URL and the exact path to put it at.
 * @throws {ModelFetchError} when a download fails for another reason (corrupt, cut off).
 * @throws {ModelChecksumError} when `seedFrom` holds a file of the right name but wrong content.
 * @throws {ConversionError} when the Caffe2 files cannot be converted.
 * @throws {RangeError} for int8 of a model that is not converted (it has no int8 form).
 */
export async function ensureModel(
  name: string,
  options: EnsureModelOptions = {},
): Promise<ReadyModel> {
  const spec = getModelSpec(name);
  const precision = options.precision ?? 'float';
  if (precision !== 'float' && !spec.conversion) {
    throw new RangeError(
      `model '${spec.name}' has no ${precision} form: only a model converted from Caffe2 int8 ` +
        'weights has one',
    );
  }
  const dir = modelDir(resolveCacheDir(options.cacheDir), spec.name);
  const onProgress = options.onProgress ?? createProgressReporter();
  const allowDownload = options.allowDownload ?? true;
  const folders = new Set([
    ...[...spec.sources, ...spec.ready].map((f) => dirname(join(dir, f.path))),
    readyFolder(spec, dir, precision),
  ]);
  for (const folder of folders) await removeStaleParts(folder);

  const finish = (model: ReadyModel) => {
    onProgress({ type: 'ready', model: spec.name, dir: model.dir });
    return model;
  };
  let ready = await readyIfValid(spec, dir, precision);
  if (ready) return finish(ready);

  if (options.seedFrom && spec.conversion && precision === 'float') {
    // Ready files in a seed are taken only if they are the reference conversion; otherwise
    // the seed's sources are converted here.
    for (const file of spec.ready) {
      const path = join(dir, file.path);
      if ((await checkFile(path, [file])).state !== 'ok') {
        await seedFile(options.seedFrom, file, path, false, onProgress);
      }
    }
    ready = await readyIfValid(spec, dir, precision);
    if (ready) return finish(ready);
  }

  const found = await Promise.all(spec.sources.map((f) => checkFile(join(dir, f.path), [f])));
  // A wrong file stays until a good one replaces it (renamed over it); it is never trusted.
  const wrong = found.flatMap((c, i) =>
    c.state === 'wrong'
      ? [`  ${join(dir, spec.sources[i].path)} is there but has ${c.detail}`]
      : [],
  );
  /** Seeds or downloads one source file; returns its sha256. */
  const obtain = async (file: SourceFile, path: string): Promise<string> => {
    const seeded = options.seedFrom
      ? await seedFile(options.seedFrom, file, path, true, onProgress)
      : null;
    if (seeded) return seeded.sha256;
    if (!allowDownload) throw missingError(spec, dir, options.baseUrl, 'downloading is off', wrong);
    const url = resolveSourceUrl(spec, file, options.baseUrl);
    const { bytes, sha256 } = file;
    try {
      return (await fetchFile({ url, dest: path, bytes, sha256, label: file.path, onProgress }))
        .sha256;
    } catch (error) {
      if (error instanceof ModelFetchError && error.reason === 'unreachable') {
        throw missingError(spec, dir, options.baseUrl, `${url} cannot be reached`, wrong, error);
      }
      throw error;
    }
  };
  const sums: Record<string, string> = {};
  for (const [i, file] of spec.sources.entries()) {
    const check = found[i];
    const sum = check.state === 'ok' ? check.sha256 : await obtain(file, join(dir, file.path));
    sums[basename(file.path)] = sum;
  }

  if (spec.conversion) {
    const [net, init] = spec.sources.map((s) => ({
      path: join(dir, s.path),
      sha256: sums[basename(s.path)],
    }));
    const outDir = readyFolder(spec, dir, precision);
    await mkdir(outDir, { recursive: true });
    const inputs = { predictNet: net, initNet: init };
    await convertIntoCache(spec.name, inputs, outDir, onProgress, precision);
  }
  ready = await readyIfValid(spec, dir, precision);
  if (!ready) throw new Error(`internal: ${spec.name} converted but its files do not verify`);
  return finish(ready);
}
