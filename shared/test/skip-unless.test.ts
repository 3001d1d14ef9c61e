import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { onPath, REQUIRE_ALL, skipUnless } from '../src/test-support.js';

/** Runs `body` with MASKRCNN_ZMQ_REQUIRE_ALL set to `value` (undefined: unset). */
function withRequireAll(value: string | undefined, body: () => void): void {
  const saved = process.env[REQUIRE_ALL];
  if (value === undefined) delete process.env[REQUIRE_ALL];
  else process.env[REQUIRE_ALL] = value;
  try {
    body();
  } finally {
    if (saved === undefined) delete process.env[REQUIRE_ALL];
    else process.env[REQUIRE_ALL] = saved;
  }
}

test('skipUnless: no skip where the tool is; the reason where it is missing', () => {
  withRequireAll(undefined, () => {
    assert.equal(skipUnless(true, 'Xvfb'), false);
    assert.equal(
      skipUnless(false, 'Xvfb (apt-get install xvfb)'),
      'needs Xvfb (apt-get install xvfb)',
    );
  });
});

test('skipUnless: under MASKRCNN_ZMQ_REQUIRE_ALL a missing tool throws, naming it', () => {
  withRequireAll('1', () => {
    assert.equal(skipUnless(true, 'Xvfb'), false);
    assert.throws(() => skipUnless(false, 'Xvfb'), {
      message: 'this test needs Xvfb, and MASKRCNN_ZMQ_REQUIRE_ALL is set',
    });
  });
});

test('onPath: finds executables in PATH folders, not plain files, not elsewhere', () => {
  const folder = mkdtempSync(join(tmpdir(), 'on-path-'));
  try {
    writeFileSync(join(folder, 'tool'), '#!/bin/sh\n');
    chmodSync(join(folder, 'tool'), 0o755);
    writeFileSync(join(folder, 'data'), '');
    assert.equal(onPath('tool', `/nonexistent:${folder}`), true);
    assert.equal(onPath('data', folder), false);
    assert.equal(onPath('tool', '/nonexistent'), false);
    assert.equal(onPath(join(folder, 'tool'), ''), true);
  } finally {
    rmSync(folder, { recursive: true });
  }
});
