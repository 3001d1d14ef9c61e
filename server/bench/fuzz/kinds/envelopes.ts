/**
 * Wrong envelopes around a valid request: no delimiter, a delimiter that is not empty, frames
 * where none belong, routing frames before the delimiter (which a ROUTER must send back as they
 * came), messages of tens of MiB spread over several frames, and one of 272 MiB in 8 MiB frames.
 */
import { pack } from '../msgpack-writer.js';
import { Prng } from '../prng.js';
import { type Built, DELIMITER, family, header, type Kind, messageId, request } from './kind.js';

const MIB = 1024 * 1024;
let bigFrame: Buffer | undefined;

/** 8 MiB of random bytes, made once and sent as many frames (the server sees distinct frames). */
function eightMiB(): Buffer {
  bigFrame ??= new Prng(8).bytes(8 * MIB);
  return bigFrame;
}

const info = (rng: Prng) => pack([header(messageId(rng)), 'info', []]);

/** `extra` before the delimiter: routing frames a ROUTER echoes in the reply's envelope. */
function routed(rng: Prng, extra: Buffer[]): Built {
  const built = request(rng, 'info', []);
  return { ...built, frames: [...extra, ...built.frames] };
}

/** 3–20 extra frames of 0 to 64 bytes, one in four of up to 1 MiB. */
function extraFrames(rng: Prng): Buffer[] {
  return Array.from({ length: rng.int(3, 20) }, () =>
    rng.bytes(rng.next() < 0.25 ? rng.int(1, MIB) : rng.int(0, 64)),
  );
}

export const ENVELOPES: Kind[] = [
  ...family('envelope', 10, {
    'missing-delimiter': (rng) => ({ frames: [info(rng)], expectsReply: false }),
    'delimiter-not-empty': (rng) => ({
      frames: [Buffer.from('x'), info(rng)],
      expectsReply: false,
    }),
    'only-the-delimiter': () => ({ frames: [DELIMITER], expectsReply: false }),
    'empty-payload': () => ({ frames: [DELIMITER, DELIMITER], expectsReply: false }),
    'two-payloads': (rng) => ({ frames: [DELIMITER, info(rng), info(rng)], expectsReply: false }),
    'extra-frames-before-delimiter': (rng) => routed(rng, extraFrames(rng)),
  }),
  ...family('oversized-envelope', 0.03, {
    // 272 MiB, over any sane whole-message limit (the server's default is 64 MiB): to be dropped
    // unread. Each frame alone is small enough to pass a per-frame limit such as ZMQ_MAXMSGSIZE.
    '34x8MiB-routing-frames': (rng) => ({
      ...routed(rng, Array(34).fill(eightMiB())),
      expectsReply: false,
    }),
  }),
  ...family('large-multi-frame', 0.2, {
    '6x8MiB-no-delimiter': () => ({
      frames: Array(6).fill(eightMiB()),
      expectsReply: false,
    }),
    '4x8MiB-routing-frames': (rng) => routed(rng, Array(4).fill(eightMiB())),
    'delimiter-then-5x8MiB': () => ({
      frames: [DELIMITER, ...Array(5).fill(eightMiB())],
      expectsReply: false,
    }),
    '24MiB-image': (rng) =>
      request(rng, 'getMask', [Buffer.concat([eightMiB(), eightMiB(), eightMiB()])]),
  }),
];
