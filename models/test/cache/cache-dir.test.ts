/** Where the cache lives: the explicit option, then the environment, then the XDG default. */
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { modelDir, resolveCacheDir } from '../../src/cache-dir.js';

describe('resolveCacheDir', () => {
  const env = { MASKRCNN_ZMQ_CACHE: '/srv/models', XDG_CACHE_HOME: '/var/cache/me' };

  test('an explicit folder wins over everything, resolved from the working directory', () => {
    assert.equal(resolveCacheDir('/opt/m', env), '/opt/m');
    assert.equal(resolveCacheDir('rel/m', env), resolve('rel/m'));
  });

  test('then MASKRCNN_ZMQ_CACHE', () => {
    assert.equal(resolveCacheDir(undefined, env), '/srv/models');
  });

  test('then $XDG_CACHE_HOME/maskrcnn-zmq, if absolute', () => {
    assert.equal(
      resolveCacheDir(undefined, { XDG_CACHE_HOME: '/var/cache/me' }),
      '/var/cache/me/maskrcnn-zmq',
    );
    assert.equal(
      resolveCacheDir(undefined, { XDG_CACHE_HOME: 'relative' }),
      resolve(homedir(), '.cache/maskrcnn-zmq'),
    );
  });

  test('else ~/.cache/maskrcnn-zmq; each model gets its own folder', () => {
    const root = resolveCacheDir(undefined, {});
    assert.equal(root, resolve(homedir(), '.cache/maskrcnn-zmq'));
    assert.equal(modelDir(root, 'maskrcnn2go'), `${root}/maskrcnn2go`);
  });
});
