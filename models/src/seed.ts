/**
 * Copying model files in from a local folder (a USB stick, a shared mount, another machine's
 * cache) instead of downloading them. The seed folder is only read: the copy is hashed, not
 * the original, and is renamed into place only once it is verified.
 */
import { copyFile, mkdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { commitPart, partPath } from './atomic-file.js';
import { type FileSum, sha256File, writeStamp } from './checksum.js';
import { ModelChecksumError } from './errors.js';
import type { ModelFile } from './manifest.js';
import type { ProgressListener } from './progress.js';
import { matches } from './verify.js';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * Copies `file` from `seedFrom` (cache layout `seedFrom/<path>` first, then flat
 * `seedFrom/<name>`) to `dest`, verified like a download.
 * @returns the copy's sum, or null when the seed has no such file, or (unless `strict`) only
 *   a different one.
 * @throws {ModelChecksumError} in `strict` mode, when the seed holds a different file.
 */
export async function seedFile(
  seedFrom: string,
  file: ModelFile,
  dest: string,
  strict: boolean,
  onProgress: ProgressListener,
): Promise<FileSum | null> {
  for (const candidate of [join(seedFrom, file.path), join(seedFrom, basename(file.path))]) {
    if (!(await exists(candidate))) continue;
    await mkdir(dirname(dest), { recursive: true });
    const part = partPath(dest);
    let sum: FileSum;
    try {
      await copyFile(candidate, part);
      sum = { bytes: (await stat(part)).size, sha256: await sha256File(part) };
      if (!matches(sum, file)) {
        await unlink(part);
        if (strict) throw new ModelChecksumError(candidate, file, sum);
        continue;
      }
      await commitPart(part, dest);
    } catch (error) {
      await unlink(part).catch(() => {});
      throw error;
    }
    await writeStamp(dest, sum.sha256);
    onProgress({ type: 'seeded', file: file.path, from: candidate });
    return sum;
  }
  return null;
}
