import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  InvalidImageError,
  OverloadedError,
  RemoteError,
  remoteErrorFrom,
  WIRE_ERRORS,
} from '../../src/protocol/errors.js';

describe('protocol errors', () => {
  it('rebuilds the named class from ERR [name, message, traceback]', () => {
    const error = remoteErrorFrom('InvalidImage', 'not an image', 'tb');
    assert.ok(error instanceof InvalidImageError);
    assert.equal(error.name, 'InvalidImage');
    assert.equal(error.traceback, 'tb');
    assert.equal(new OverloadedError('full').name, 'Overloaded');
  });

  it('keeps names it does not know as a RemoteError of that name', () => {
    const error = remoteErrorFrom('ZeroDivisionError', 'division by zero', '');
    assert.equal(error.constructor, RemoteError);
    assert.equal(error.name, 'ZeroDivisionError');
  });

  it('lists in the README exactly the errors the server sends', () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Errors'), readme.indexOf('### Heartbeats'));
    const documented = [...section.matchAll(/^\| `(\w+)` \|/gm)].map(([, name]) => name);
    assert.deepEqual(documented.sort(), Object.keys(WIRE_ERRORS).sort());
  });
});
