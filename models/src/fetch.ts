/**
 * Downloads one model file with Node's fetch, streaming: the size and sha256 are checked as
 * the bytes arrive, the bytes go to `<file>.part-<pid>`, and only a complete, verified file is
 * flushed and renamed into place (with its checksum stamp). Any failure removes the part file
 * and throws a {@link ModelFetchError} that says where the file can be put by hand.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { commitPart, partPath } from './atomic-file.js';
import { type FileSum, writeStamp } from './checksum.js';
import { type FetchFailure, ModelFetchError } from './errors.js';
import type { ModelSpec, SourceFile } from './manifest.js';
import { createProgressReporter, type ProgressListener } from './progress.js';

/** The environment variable that sends every download to a mirror. */
export const BASE_URL_ENV = 'MASKRCNN_ZMQ_MODEL_BASE_URL';

/**
 * Where a source file is fetched from: the manifest's pinned URL, or, with a mirror base URL
 * (`baseUrl`, else `$MASKRCNN_ZMQ_MODEL_BASE_URL`), `<base>/<model>/<file name>`, a layout
 * any static file server can offer.
 */
export function resolveSourceUrl(
  spec: ModelSpec,
  file: SourceFile,
  baseUrl?: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const base = baseUrl ?? env[BASE_URL_ENV];
  if (!base) return file.url;
  return `${base.replace(/\/+$/, '')}/${spec.name}/${basename(file.path)}`;
}

/** What {@link fetchFile} downloads and how it checks it. */
export interface FetchFileOptions {
  url: string;
  /** The final path; also the path the error message tells a user to put the file at. */
  dest: string;
  /** Expected size, or null to accept any. */
  bytes: number | null;
  /** Expected sha256, or null to accept any (the computed sum is reported). */
  sha256: string | null;
  /** The name shown in progress; defaults to the file name. */
  label?: string;
  /** Defaults to {@link createProgressReporter} on stderr. */
  onProgress?: ProgressListener;
  /** Give up when no byte arrives for this long (default 30 s). */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as (Error & { code?: string }) | undefined;
  if (!cause) return error.message;
  return `${error.message} (${cause.code ?? cause.message})`;
}

/**
 * Downloads `url` to `dest`, verified (see the module comment).
 * @returns the size and sha256 of the file now at `dest`.
 * @throws {ModelFetchError} with `reason` 'unreachable', 'http-status', 'interrupted',
 *   'size-mismatch' or 'checksum-mismatch'; `dest` is then untouched and no part file remains.
 */
export async function fetchFile(options: FetchFileOptions): Promise<FileSum> {
  const { url, dest, bytes, sha256 } = options;
  const label = options.label ?? basename(dest);
  const onProgress = options.onProgress ?? createProgressReporter();
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const fail = (reason: FetchFailure, detail: string, cause?: unknown) =>
    new ModelFetchError(reason, url, sha256, dest, detail, cause ? { cause } : undefined);

  // One timer covers connecting and every gap between chunks: a stalled server is an error.
  const idle = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const rearm = () => {
    clearTimeout(timer);
    timer = setTimeout(
      () => idle.abort(new Error(`no data for ${idleTimeoutMs} ms`)),
      idleTimeoutMs,
    );
  };
  const signal = options.signal ? AbortSignal.any([options.signal, idle.signal]) : idle.signal;

  await mkdir(dirname(dest), { recursive: true });
  rearm();
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (error) {
    clearTimeout(timer);
    throw fail('unreachable', describe(error), error);
  }
  if (!response.ok || !response.body) {
    clearTimeout(timer);
    await response.body?.cancel();
    throw fail('http-status', `HTTP ${response.status} ${response.statusText}`.trim());
  }
  const announced = response.headers.get('content-length');
  const encoded = response.headers.has('content-encoding');
  if (bytes !== null && announced !== null && !encoded && Number(announced) !== bytes) {
    clearTimeout(timer);
    await response.body.cancel();
    throw fail('size-mismatch', `the server announces ${announced} bytes, expected ${bytes}`);
  }

  const totalBytes = bytes ?? (announced !== null && !encoded ? Number(announced) : null);
  onProgress({ type: 'download-start', file: label, url, totalBytes });
  const part = partPath(dest);
  const handle = await open(part, 'w');
  let received = 0;
  try {
    const hash = createHash('sha256');
    for await (const chunk of response.body) {
      rearm();
      received += chunk.byteLength;
      if (bytes !== null && received > bytes) {
        throw fail('size-mismatch', `the server sent more than the expected ${bytes} bytes`);
      }
      hash.update(chunk);
      await handle.write(chunk);
      onProgress({ type: 'download-progress', file: label, receivedBytes: received, totalBytes });
    }
    if (bytes !== null && received !== bytes) {
      throw fail('size-mismatch', `the server sent ${received} bytes, expected ${bytes}`);
    }
    const digest = hash.digest('hex');
    if (sha256 !== null && digest !== sha256) {
      throw fail('checksum-mismatch', `the download has sha256 ${digest}`);
    }
    await handle.sync();
    await handle.close();
    await commitPart(part, dest);
    await writeStamp(dest, digest);
    onProgress({
      type: 'download-done',
      file: label,
      bytes: received,
      sha256: digest,
      pinned: sha256 !== null,
    });
    return { bytes: received, sha256: digest };
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(part).catch(() => {});
    const lost = `lost after ${received} of ${totalBytes ?? '?'} bytes: ${describe(error)}`;
    const failure = error instanceof ModelFetchError ? error : fail('interrupted', lost, error);
    onProgress({ type: 'download-failed', file: label, error: failure });
    throw failure;
  } finally {
    clearTimeout(timer);
  }
}
