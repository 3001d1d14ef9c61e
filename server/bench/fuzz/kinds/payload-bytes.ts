/**
 * Payloads that are not msgpack, not whole, or msgpack built to exhaust a decoder: random
 * bytes, cut and mutated events, lengths that claim gigabytes, nesting 10,000 deep and
 * collections of 100,000 entries.
 */
import { decodeEvent } from '@maskrcnn-zmq/shared';
import { SMALL_PNG } from '../hostile-images.js';
import {
  type Container,
  lengthHeader,
  lengthHeader32,
  mapOf,
  Packed,
  pack,
} from '../msgpack-writer.js';
import type { Prng } from '../prng.js';
import {
  answerable,
  type Built,
  DELIMITER,
  family,
  header,
  type Kind,
  messageId,
  request,
  unanswerable,
} from './kind.js';

/** A valid request to cut or mutate: small, so most mutations land in its structure. */
function validRequest(rng: Prng): Buffer {
  const args = rng.pick([[], [Buffer.from('0123456789abcdef')], [SMALL_PNG, { masks: false }]]);
  return pack([header(messageId(rng)), rng.pick(['info', 'detect', 'getMask']), args]);
}

/** Flips bits, overwrites, inserts and deletes bytes; answerable only if it still decodes as a request. */
function mutated(rng: Prng): Built {
  let bytes = validRequest(rng);
  for (let n = rng.int(1, 8); n > 0; n--) {
    const at = rng.int(0, bytes.length - 1);
    const op = rng.int(0, 3);
    if (op === 0) bytes[at] ^= 1 << rng.int(0, 7);
    else if (op === 1) bytes[at] = rng.int(0, 255);
    else if (op === 2)
      bytes = Buffer.concat([bytes.subarray(0, at), rng.bytes(1), bytes.subarray(at)]);
    else if (bytes.length > 1)
      bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
  }
  try {
    const event = decodeEvent(bytes);
    if (event.header.response_to === undefined) {
      return { frames: [DELIMITER, bytes], expectsReply: true, messageId: event.header.message_id };
    }
  } catch {
    // Not an event any more: nothing to answer.
  }
  return unanswerable(bytes);
}

/** A header that claims 0xFFFFFFFF bytes or items, followed by a few. */
function lie(rng: Prng, type: Container): Buffer {
  return Buffer.concat([lengthHeader32(type, 0xffffffff), rng.bytes(rng.int(0, 16))]);
}

/** `[header, "getMask", [<inner>` and nothing after: the event is cut inside its argument. */
function insideArgs(rng: Prng, inner: Buffer): Buffer {
  return Buffer.concat([
    lengthHeader('array', 3),
    pack(header(messageId(rng))),
    pack('getMask'),
    lengthHeader('array', 1),
    inner,
  ]);
}

const lies = (type: Container) => (rng: Prng) =>
  unanswerable(rng.next() < 0.5 ? lie(rng, type) : insideArgs(rng, lie(rng, type)));

const DEPTH = 10_000;
const deepArray = () => new Packed(Buffer.concat([Buffer.alloc(DEPTH, 0x91), Buffer.from([0x90])]));
const deepMap = () =>
  new Packed(
    Buffer.concat([
      Buffer.alloc(DEPTH * 3).fill(Buffer.from([0x81, 0xa1, 0x61])),
      Buffer.from([0x80]),
    ]),
  );

/** `deep` as the image, as the options, or under an extra header key. */
function deeply(rng: Prng, deep: Packed): Built {
  const where = rng.int(0, 2);
  if (where === 0) return request(rng, 'getMask', [deep]);
  if (where === 1) return request(rng, 'detect', [SMALL_PNG, deep]);
  return answerable(rng, (id) => [
    mapOf([
      ['message_id', id],
      ['v', 3],
      ['trace', deep],
    ]),
    'info',
    [],
  ]);
}

const ENTRIES = 100_000;
/** 100,000 empty maps in an array: 100 KB that decode to 100,000 objects. */
const hugeArray = () =>
  new Packed(Buffer.concat([lengthHeader('array', ENTRIES), Buffer.alloc(ENTRIES, 0x80)]));
let hugeMapBytes: Buffer | undefined;
/** A map of 100,000 keys to empty maps: about 1 MB, built once. */
const hugeMap = () => {
  hugeMapBytes ??= Buffer.concat([
    lengthHeader('map', ENTRIES),
    ...Array.from({ length: ENTRIES }, (_, i) =>
      Buffer.concat([pack(`k${String(i).padStart(7, '0')}`), Buffer.from([0x80])]),
    ),
  ]);
  return new Packed(hugeMapBytes);
};

export const PAYLOAD_BYTES: Kind[] = [
  ...family('random-bytes', 6, {
    small: (rng) => unanswerable(rng.bytes(rng.int(1, 64))),
    kilobytes: (rng) => unanswerable(rng.bytes(rng.int(65, 8192))),
  }),
  ...family('truncated-msgpack', 6, {
    event: (rng) => {
      const bytes = validRequest(rng);
      return unanswerable(bytes.subarray(0, rng.int(1, bytes.length - 1)));
    },
  }),
  ...family('mutated-msgpack', 8, { event: mutated }),
  ...family('length-lie', 4, {
    str32: lies('str'),
    bin32: lies('bin'),
    array32: lies('array'),
    map32: lies('map'),
  }),
  ...family('nesting', 2, {
    'array-10000-deep': (rng) => deeply(rng, deepArray()),
    'map-10000-deep': (rng) => deeply(rng, deepMap()),
  }),
  ...family('huge-collection', 1.5, {
    'array-as-image': (rng) => request(rng, 'getMask', [hugeArray()]),
    'map-as-options': (rng) => request(rng, 'detect', [SMALL_PNG, hugeMap()]),
    'as-args': (rng) => request(rng, 'getMask', hugeArray()),
  }),
];
