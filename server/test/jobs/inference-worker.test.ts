import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workerEnv } from '../../src/jobs/inference-worker.js';

test('workerEnv: the fixed mmap threshold goes, other tunables and variables stay', () => {
  const env = {
    PATH: '/usr/bin',
    GLIBC_TUNABLES:
      'glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=131072:glibc.cpu.x86_rep_movsb_threshold=4096',
  };
  assert.deepEqual(workerEnv(env), {
    PATH: '/usr/bin',
    GLIBC_TUNABLES: 'glibc.malloc.arena_max=2:glibc.cpu.x86_rep_movsb_threshold=4096',
  });
});

test('workerEnv: no tunable left, no GLIBC_TUNABLES', () => {
  assert.deepEqual(
    workerEnv({ PATH: '/usr/bin', GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=131072' }),
    {
      PATH: '/usr/bin',
    },
  );
  assert.deepEqual(workerEnv({ PATH: '/usr/bin' }), { PATH: '/usr/bin' });
});
