/**
 * sha256 of model files, computed once per file. After a file is hashed, a small stamp
 * beside it (`.<name>.sha256.json`) records the sum with the file's size and modification
 * time; while both still match, later starts read the sum from the stamp instead of
 * rehashing megabytes. A file that is replaced or touched gets a new mtime and is hashed again.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';

/** A file's size and sha256. */
export interface FileSum {
  bytes: number;
  sha256: string;
}

interface Stamp extends FileSum {
  mtimeMs: number;
}

/** Where the stamp of `path` lives. */
export function stampPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.sha256.json`);
}

/** Hashes a whole file, streaming. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Records `sum` as the verified sum of `path` as it is on disk now. */
export async function writeStamp(path: string, sha256: string): Promise<void> {
  const { size, mtimeMs } = await stat(path);
  const stamp: Stamp = { bytes: size, sha256, mtimeMs };
  await writeFileAtomic(stampPath(path), `${JSON.stringify(stamp)}\n`);
}

async function readStamp(path: string, bytes: number, mtimeMs: number): Promise<string | null> {
  try {
    const stamp = JSON.parse(await readFile(stampPath(path), 'utf8')) as Partial<Stamp>;
    const fresh = stamp.bytes === bytes && stamp.mtimeMs === mtimeMs;
    return fresh && typeof stamp.sha256 === 'string' ? stamp.sha256 : null;
  } catch {
    return null;
  }
}

/**
 * The size and sha256 of `path`, or null when there is no such file. The sum comes from the
 * stamp while it is fresh; otherwise the file is hashed and the stamp rewritten.
 */
export async function fileSum(path: string): Promise<FileSum | null> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const stamped = await readStamp(path, info.size, info.mtimeMs);
  if (stamped) return { bytes: info.size, sha256: stamped };
  const sha256 = await sha256File(path);
  await writeStamp(path, sha256);
  return { bytes: info.size, sha256 };
}
