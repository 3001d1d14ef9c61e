/**
 * Files that appear whole or not at all. Everything this package writes goes first to
 * `<file>.part-<pid>`, is flushed to disk, and is then renamed over `<file>`: a crash, a kill or
 * a full disk leaves at most a `.part-` file, which no later start trusts and which
 * {@link removeStaleParts} clears once its writer is gone.
 */
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

const PART_MARK = '.part-';

/** The temporary name a writer in this process uses for `path`. */
export function partPath(path: string): string {
  return `${path}${PART_MARK}${process.pid}`;
}

/**
 * Moves a flushed `.part-` file over its final name, then flushes the folder so the rename
 * itself survives a power cut.
 */
export async function commitPart(part: string, path: string): Promise<void> {
  await rename(part, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } catch {
    // Some file systems refuse fsync on a folder; the rename is still atomic there.
  } finally {
    await dir.close();
  }
}

/** Writes `data` to `path` atomically (see the module comment). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const part = partPath(path);
  const handle = await open(part, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(part).catch(() => {});
    throw error;
  }
  await handle.close();
  await commitPart(part, path);
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes `.part-<pid>` files in `dir` whose writing process no longer exists, the leftovers
 * of a download or conversion that was killed. Files of live processes are left alone: they
 * may be another server fetching the same model right now.
 */
export async function removeStaleParts(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const mark = name.lastIndexOf(PART_MARK);
    if (mark < 0) continue;
    const pid = Number(name.slice(mark + PART_MARK.length));
    if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) {
      await unlink(join(dir, name)).catch(() => {});
    }
  }
}
