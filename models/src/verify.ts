/**
 * Whether a file on disk is the one the manifest (or a conversion stamp) describes. Sums come
 * from checksum stamps, so checking a cache that was verified before costs a few stat calls.
 */
import { type FileSum, fileSum } from './checksum.js';
import type { ModelFile } from './manifest.js';

/** What a file may be: size and sha256, each null where any value will do. */
export type Expected = Pick<ModelFile, 'bytes' | 'sha256'>;

/** The outcome of checking one file. */
export type Check =
  | { state: 'ok'; sha256: string }
  | { state: 'missing' }
  | { state: 'wrong'; detail: string };

/** Whether `sum` is what `expected` describes. */
export function matches(sum: FileSum, expected: Expected): boolean {
  return (
    (expected.bytes === null || sum.bytes === expected.bytes) &&
    (expected.sha256 === null || sum.sha256 === expected.sha256)
  );
}

/** Whether the file at `path` (in the cache: it gets a stamp) is one of `accepted`. */
export async function checkFile(path: string, accepted: Expected[]): Promise<Check> {
  const sum = await fileSum(path);
  if (!sum) return { state: 'missing' };
  if (accepted.some((expected) => matches(sum, expected))) {
    return { state: 'ok', sha256: sum.sha256 };
  }
  const wanted = accepted.map((e) => `${e.bytes ?? 'any'} bytes, sha256 ${e.sha256 ?? 'any'}`);
  return {
    state: 'wrong',
    detail: `${sum.bytes} bytes, sha256 ${sum.sha256}; expected ${wanted.join(' or ')}`,
  };
}
