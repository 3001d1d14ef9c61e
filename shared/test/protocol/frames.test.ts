import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtocolError } from '../../src/protocol/errors.js';
import { dealtFrames, parseDealt, parseRouted, routedFrames } from '../../src/protocol/frames.js';

const b = (text: string) => Buffer.from(text);

describe('protocol frames', () => {
  it('splits identity, delimiter and payload on the ROUTER side', () => {
    const message = parseRouted([b('peer'), b(''), b('payload')]);
    assert.deepEqual(message.identity, [b('peer')]);
    assert.deepEqual(message.payload, b('payload'));
  });

  it('keeps every routing frame before the delimiter (messages through a broker)', () => {
    const message = parseRouted([b('broker'), b('peer'), b(''), b('p')]);
    assert.deepEqual(message.identity, [b('broker'), b('peer')]);
    assert.deepEqual(routedFrames(message.identity, b('r')), [
      b('broker'),
      b('peer'),
      b(''),
      b('r'),
    ]);
  });

  it('rejects a message without the empty delimiter', () => {
    assert.throws(() => parseRouted([b('peer'), b('payload')]), ProtocolError);
    assert.throws(() => parseRouted([b('payload')]), /without the delimiter/);
  });

  it('puts the delimiter first on the DEALER side', () => {
    assert.deepEqual(dealtFrames(b('x')), [b(''), b('x')]);
    assert.deepEqual(parseDealt([b(''), b('x')]), b('x'));
    assert.throws(() => parseDealt([b('x')]), ProtocolError);
  });
});
