/**
 * Valid msgpack that is not a valid request: every wrong shape of `[header, name, args]`,
 * prototype-named keys, methods that do not exist (some named like Object's own properties),
 * wrong argument counts, and later-exchange events (`response_to`) for exchanges that never were.
 */
import { SMALL_PNG } from '../hostile-images.js';
import { mapOf, type Packable, pack } from '../msgpack-writer.js';
import type { Prng } from '../prng.js';
import { answerable, family, header, type Kind, messageId, request, unanswerable } from './kind.js';

/** A value of any msgpack type but the one wanted; `not` says which to leave out. */
function wrongValue(rng: Prng, not: 'map' | 'array' | 'str'): Packable {
  const values: Packable[] = [
    7,
    -1,
    2n ** 64n - 1n,
    1.5,
    true,
    null,
    Buffer.from('bin'),
    ...(not === 'str' ? [] : ['a str']),
    ...(not === 'array' ? [] : [[1, 2]]),
    ...(not === 'map' ? [] : [{ a: 1 }]),
  ];
  return rng.pick(values);
}

/** `header` plus one more key, written in order so `__proto__` is a real key on the wire. */
const headerWith = (rng: Prng, key: string, value: Packable) =>
  answerable(rng, (id) => [
    mapOf([
      ['message_id', id],
      ['v', 3],
      [key, value],
    ]),
    'info',
    [],
  ]);

/** Options with one extra key, in order, after a valid one. */
const optionsWith = (rng: Prng, key: string, value: Packable) =>
  request(rng, rng.pick(['getMask', 'detect']), [
    SMALL_PNG,
    mapOf([
      ['scoreThreshold', 0.5],
      [key, value],
    ]),
  ]);

const UNKNOWN_METHODS = [
  'constructor',
  'toString',
  '__proto__',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'prototype',
  '',
  'getMask ',
  'GETMASK',
  'OK',
  'ERR',
  '_zpc_hb',
  '_zpc_more',
];

const unknownMethods = Object.fromEntries(
  UNKNOWN_METHODS.map((name) => [
    JSON.stringify(name),
    (rng: Prng) => request(rng, name, rng.pick([[], [SMALL_PNG]])),
  ]),
);

/** A later-exchange event for an id the server never saw; nothing to answer. */
const laterEvent = (rng: Prng, name: string, args: Packable) =>
  unanswerable(
    pack([{ message_id: messageId(rng), v: 3, response_to: messageId(rng) }, name, args]),
  );

export const EVENT_SHAPES: Kind[] = [
  ...family('shape', 20, {
    'not-an-array': (rng) => unanswerable(pack(wrongValue(rng, 'array'))),
    'array-of-1': (rng) => answerable(rng, (id) => [header(id)]),
    'array-of-2': (rng) => answerable(rng, (id) => [header(id), 'info']),
    'array-of-5': (rng) => answerable(rng, (id) => [header(id), 'info', [], 'extra', 1]),
    'header-not-a-map': (rng) => unanswerable(pack([wrongValue(rng, 'map'), 'info', []])),
    'header-without-message_id': () => unanswerable(pack([{ v: 3 }, 'info', []])),
    'message_id-wrong-type': (rng) =>
      unanswerable(pack([{ message_id: wrongValue(rng, 'str'), v: 3 }, 'info', []])),
    'name-not-a-str': (rng) => answerable(rng, (id) => [header(id), wrongValue(rng, 'str'), []]),
    'args-not-a-list': (rng) =>
      answerable(rng, (id) => [header(id), 'info', rng.pick([7, 'args', Buffer.from('x'), true])]),
    'args-a-map': (rng) => answerable(rng, (id) => [header(id), 'getMask', { image: SMALL_PNG }]),
  }),
  ...family('prototype-key', 4, {
    '__proto__-in-header': (rng) => headerWith(rng, '__proto__', { message_id: 'forged' }),
    'constructor-in-header': (rng) => headerWith(rng, 'constructor', { name: 'Object' }),
    '__proto__-in-options': (rng) => optionsWith(rng, '__proto__', { scoreThreshold: 0 }),
    'constructor-in-options': (rng) => optionsWith(rng, 'constructor', 1),
    'hasOwnProperty-in-options': (rng) => optionsWith(rng, 'hasOwnProperty', 'x'),
  }),
  ...family('unknown-method', 5, {
    ...unknownMethods,
    'name-of-100000-chars': (rng) => request(rng, 'x'.repeat(100_000), []),
  }),
  ...family('arity', 5, {
    'getMask()': (rng) => request(rng, 'getMask', []),
    'getMask(image, options, extra)': (rng) => request(rng, 'getMask', [SMALL_PNG, {}, 1]),
    'getMask(1000 args)': (rng) => request(rng, 'getMask', Array(1000).fill(null)),
    'detect()': (rng) => request(rng, 'detect', []),
    'detect(5 args)': (rng) => request(rng, 'detect', [SMALL_PNG, {}, 1, 2, 3]),
    'info(extra)': (rng) => request(rng, 'info', [1]),
    '_zerorpc_help()': (rng) => request(rng, '_zerorpc_help', []),
    '_zerorpc_args(3 args)': (rng) => request(rng, '_zerorpc_args', ['getMask', 1, 2]),
  }),
  ...family('unknown-exchange', 5, {
    'call-with-response_to': (rng) => laterEvent(rng, 'getMask', [SMALL_PNG]),
    'late-heartbeat': (rng) => laterEvent(rng, '_zpc_hb', [0]),
    'late-more': (rng) => laterEvent(rng, '_zpc_more', [1]),
    'late-stream-done': (rng) => laterEvent(rng, 'STREAM_DONE', null),
  }),
];
