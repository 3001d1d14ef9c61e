import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { status } from '@grpc/grpc-js';
import { InvalidImageError, RemoteError } from '@maskrcnn-zmq/shared';
import { GRPC_STATUS, grpcError } from '../../src/doors/grpc/status.js';
import { REPO } from '../helpers.js';

describe('gRPC status of each wire error', () => {
  it('carries the code, `NAME: message` and the name in the error-name trailer', () => {
    const error = grpcError(new InvalidImageError('image is empty (0 bytes)'));
    assert.equal(error.code, status.INVALID_ARGUMENT);
    assert.equal(error.details, 'InvalidImage: image is empty (0 bytes)');
    assert.deepEqual(error.metadata?.get('error-name'), ['InvalidImage']);
  });

  it('answers INTERNAL for a name outside the wire list', () => {
    assert.equal(grpcError(new RemoteError('Mystery', 'what')).code, status.INTERNAL);
  });

  it('is the mapping the README documents', () => {
    const readme = readFileSync(`${REPO}README.md`, 'utf8');
    const start = readme.indexOf('### gRPC');
    const section = readme.slice(start, readme.indexOf('**Access.**', start));
    const documented: Record<string, string> = {};
    for (const [, code, errors] of section.matchAll(/^\| `([A-Z_]+)` \| (.+) \|$/gm)) {
      for (const [, name] of errors.matchAll(/`([A-Z]\w+)`/g)) documented[name] = code;
    }
    const mapped = Object.fromEntries(
      Object.entries(GRPC_STATUS).map(([name, code]) => [name, status[code]]),
    );
    assert.deepEqual(documented, mapped);
  });
});
