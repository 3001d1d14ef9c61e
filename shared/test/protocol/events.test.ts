import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from '@msgpack/msgpack';
import { ProtocolError } from '../../src/protocol/errors.js';
import {
  decodeEvent,
  encodeEvent,
  idKey,
  newMessageId,
  responseHeader,
} from '../../src/protocol/events.js';

describe('protocol events', () => {
  it('round-trips a request with a str message_id', () => {
    const event = { header: { message_id: 'abc', v: 3 }, name: 'getMask', args: ['x', { q: 1 }] };
    assert.deepEqual(decodeEvent(encodeEvent(event)), event);
  });

  it('keeps a bin message_id as bytes and answers in bin (as the Python client needs)', () => {
    const id = new TextEncoder().encode('0123456789abcdef0123456789abcdef');
    const decoded = decodeEvent(
      encodeEvent({ header: { message_id: id, v: 3 }, name: 'ping', args: [] }),
    );
    assert.ok(decoded.header.message_id instanceof Uint8Array);
    const reply = responseHeader(decoded.header.message_id);
    assert.ok(reply.response_to instanceof Uint8Array);
    assert.ok(reply.message_id instanceof Uint8Array, 'own id in the type received');
    assert.equal(idKey(reply.response_to), idKey('0123456789abcdef0123456789abcdef'));
  });

  it('packs bytes as msgpack bin and strings as str', () => {
    const bytes = encodeEvent({
      header: { message_id: 'i', v: 3 },
      name: 'n',
      args: [new Uint8Array([1, 2])],
    });
    assert.ok(bytes.includes(0xc4), 'bin 8 marker present');
    assert.equal(typeof newMessageId(), 'string');
  });

  it('keeps unknown header keys and accepts nil args', () => {
    const payload = encode([{ message_id: 'a', v: 3, trace_id: 'x' }, 'STREAM_DONE', null]);
    const event = decodeEvent(payload);
    assert.equal(event.args, null);
    assert.equal((event.header as unknown as Record<string, unknown>).trace_id, 'x');
  });

  for (const [what, payload, message] of [
    ['bytes that are not msgpack', new Uint8Array([0xc1]), /not msgpack/],
    ['a non-array', encode({ a: 1 }), /must be \[header, name, args\]; got a map/],
    ['a header without message_id', encode([{ v: 3 }, 'x', []]), /message_id; got a map/],
    ['a numeric name', encode([{ message_id: 'a' }, 7, []]), /name must be a str; got number 7/],
    [
      'args that are a map',
      encode([{ message_id: 'a' }, 'x', { a: 1 }]),
      /args must be an array or nil/,
    ],
  ] as const) {
    it(`rejects ${what} with a ProtocolError`, () => {
      assert.throws(
        () => decodeEvent(payload),
        (error: Error) => {
          assert.ok(error instanceof ProtocolError);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }
});
