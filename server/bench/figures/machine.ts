import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, release, totalmem } from 'node:os';
import { env } from 'onnxruntime-node';
import sharp from 'sharp';

/** The machine and software a bench ran on, so figures from different runs can be compared. */
export interface Machine {
  cpu: string;
  /** The CPU's 8-bit dot-product extensions, which int8 kernels use (none: int8 gains little). */
  dotProduct: string[];
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  onnxruntime: string;
  sharp: string;
  libvips: string;
  /** The commit benched, with "+dirty" when the working tree had changes. */
  commit: string;
}

export function describeMachine(): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    dotProduct: dotProductExtensions(),
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${process.platform} ${release()}`,
    node: process.version,
    onnxruntime: env.versions.node ?? 'unknown',
    sharp: sharp.versions.sharp ?? 'unknown',
    libvips: sharp.versions.vips,
    commit: commit(),
  };
}

function dotProductExtensions(): string[] {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    return ['avx512_vnni', 'avx_vnni', 'asimddp'].filter((flag) =>
      new RegExp(`\\b${flag}\\b`).test(info),
    );
  } catch {
    return [];
  }
}

function commit(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
    return git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain') ? '+dirty' : '');
  } catch {
    return 'unknown';
  }
}
