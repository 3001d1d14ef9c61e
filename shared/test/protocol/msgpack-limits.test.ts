import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from '@msgpack/msgpack';
import { ProtocolError } from '../../src/protocol/errors.js';
import { readEvent, requestHeader } from '../../src/protocol/events.js';
import {
  checkMsgpack,
  MsgpackLimitError,
  type MsgpackLimits,
} from '../../src/protocol/msgpack-limits.js';

const LIMITS: MsgpackLimits = {
  maxDepth: 4,
  maxValues: 100,
  maxEntries: 20,
  maxSmallBytes: 64,
  maxLargeValues: 1,
  maxExtBytes: 0,
};

/** `depth` arrays inside each other, as raw bytes: 0x91 is a one-entry array. */
const nested = (depth: number) => Buffer.concat([Buffer.alloc(depth, 0x91), Buffer.from([0xc0])]);

describe('protocol msgpack limits', () => {
  it('passes every msgpack type within the limits and says where the value ends', () => {
    const value = encode([
      { a: 1, b: -1, c: 1.5, d: 2 ** 40, e: -(2 ** 40), f: null, g: true },
      'name',
      [new Uint8Array(1000), 'x'.repeat(60), [1, 2, 3]],
    ]);
    assert.equal(checkMsgpack(value, LIMITS), value.length);
  });

  it('refuses nesting, counts, sizes and ext types past the limits before decoding', () => {
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['deep nesting', nested(5), /nested deeper than 4/],
      ['a long array', encode(Array.from({ length: 21 }, () => 0)), /an array of 21 entries/],
      [
        'a large map',
        encode(Object.fromEntries(Array.from({ length: 21 }, (_, i) => [i, 0]))),
        /a map of 21/,
      ],
      [
        'many values',
        encode(Array.from({ length: 10 }, () => Array(15).fill(0))),
        /more than 100 values/,
      ],
      [
        'two large values',
        encode([new Uint8Array(100), 'y'.repeat(100)]),
        /more than 1 str or bin/,
      ],
      ['an ext', Buffer.from([0xd4, 0x01, 0x00]), /an ext of 1 bytes/],
    ];
    for (const [what, bytes, message] of cases) {
      assert.throws(
        () => checkMsgpack(bytes, LIMITS),
        (error: Error) => {
          assert.ok(error instanceof MsgpackLimitError, what);
          assert.match(error.message, message, what);
          return true;
        },
      );
    }
  });

  it('refuses truncated bytes and length headers claiming more than the message holds', () => {
    for (const bytes of [
      Buffer.from([0xdb, 0xff, 0xff, 0xff, 0xff, 0x41]), // str32 of 4 GiB
      Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff]), // array32 of 4 billion
      Buffer.from([0xc1]),
      Buffer.alloc(0),
    ]) {
      assert.throws(
        () => checkMsgpack(bytes, { ...LIMITS, maxEntries: 2 ** 32 }),
        (error) => error instanceof ProtocolError || error instanceof MsgpackLimitError,
      );
    }
  });

  it('walks 15 MB of nested empty maps in bounded time, building nothing', () => {
    const bytes = Buffer.alloc(15_000_000, 0x81); // {x: {x: …}} with one-byte keys would be deeper still
    const started = performance.now();
    assert.throws(() => checkMsgpack(bytes, LIMITS), MsgpackLimitError);
    assert.ok(performance.now() - started < 50);
  });
});

describe('protocol readEvent', () => {
  const header = requestHeader('0123456789abcdef');

  it('reads a request within the limits', () => {
    const read = readEvent(encode([header, 'info', []]), LIMITS);
    assert.equal(read.type, 'event');
  });

  it('answers under the message id what breaks after a readable header', () => {
    const cases: Array<[unknown[], RegExp]> = [
      [[header, 42, []], /event name must be a str; got number 42/],
      [[header, 'detect', { a: 1 }], /event args must be an array or nil; got a map/],
      [[header, 'detect'], /event must be \[header, name, args\]/],
    ];
    const deep = Buffer.concat([Buffer.from([0x93]), encode(header), encode('detect'), nested(10)]);
    for (const [bytes, problem] of [
      ...cases.map(([event, problem]) => [encode(event), problem] as const),
      [deep, /refused: nested deeper than 4/] as const,
    ]) {
      const read = readEvent(bytes, LIMITS);
      assert.equal(read.type, 'answerable', String(problem));
      if (read.type === 'answerable') {
        assert.equal(read.header.message_id, header.message_id);
        assert.match(read.problem, problem);
      }
    }
  });

  it('answers an option map with a __proto__ key, which the decoder refuses', () => {
    // {"__proto__": 1} as msgpack: the encoder would not write it.
    const options = Buffer.concat([
      Buffer.from([0x81, 0xa9]),
      Buffer.from('__proto__'),
      Buffer.from([0x01]),
    ]);
    const bytes = Buffer.concat([
      Buffer.from([0x93]),
      encode(header),
      encode('detect'),
      Buffer.from([0x92, 0xc4, 0x01, 0x00]),
      options,
    ]);
    const read = readEvent(bytes, LIMITS);
    assert.equal(read.type, 'answerable');
  });

  it('drops, with a reason, what has no message id to answer', () => {
    const cases: Array<[Uint8Array, string]> = [
      [Buffer.from([0xc1, 0x00]), 'not-msgpack'],
      [encode('just a string'), 'not-an-event'],
      [encode([{ v: 3 }, 'info', []]), 'not-an-event'],
      [nested(50), 'over-limits'],
    ];
    for (const [bytes, reason] of cases) {
      const read = readEvent(bytes, LIMITS);
      assert.deepEqual(read.type === 'unreadable' && read.reason, reason);
    }
  });
});
