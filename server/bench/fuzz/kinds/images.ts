/**
 * Well-formed requests whose image is the attack: files of other formats, cut files, headers
 * that declare gigapixels, a small PNG that inflates to 49 megapixels, and base64 text built to
 * make a careless validator backtrack or a decoder allocate.
 */
import {
  inflatingPng,
  jpegClaiming,
  NOT_IMAGES,
  PNG_60000,
  SMALL_PNG,
  truncated,
} from '../hostile-images.js';
import type { Packable } from '../msgpack-writer.js';
import type { Prng } from '../prng.js';
import { family, type Kind, request } from './kind.js';

/** getMask or detect of `image`, with no options or the cheapest ones. */
const call = (rng: Prng, image: Packable) =>
  rng.next() < 0.5
    ? request(rng, 'getMask', [image])
    : request(rng, 'detect', [image, { masks: false }]);

/** Bytes as bin, or as base64 text in a str, as Python clients send them. */
const eitherForm = (rng: Prng, bytes: Buffer) =>
  call(rng, rng.next() < 0.5 ? bytes : bytes.toString('base64'));

const notImages = Object.fromEntries(
  Object.entries(NOT_IMAGES).map(([name, bytes]) => [name, (rng: Prng) => eitherForm(rng, bytes)]),
);

/** Text as a str, or its bytes as a bin (which the server may read as base64 text). */
const text = (rng: Prng, value: string) =>
  call(rng, rng.next() < 0.5 ? value : Buffer.from(value, 'latin1'));

const MIB = 1024 * 1024;

export const IMAGES: Kind[] = [
  ...family('not-an-image', 6, notImages),
  ...family('truncated-image', 3, {
    jpeg: (rng, { jpeg }) => eitherForm(rng, truncated(jpeg, rng)),
    png: (rng) => eitherForm(rng, truncated(SMALL_PNG, rng)),
  }),
  ...family('image-bomb', 1.5, {
    'png-declaring-60000x60000': (rng) => eitherForm(rng, PNG_60000),
    'jpeg-declaring-65500x65500': (rng, { jpeg }) => call(rng, jpegClaiming(jpeg, 65500, 65500)),
  }),
  ...family('image-bomb', 0.3, {
    'png-inflating-to-49-megapixels': (rng) => call(rng, inflatingPng()),
  }),
  ...family('hostile-base64', 2, {
    'A-120000-newlines-!': (rng) => text(rng, `A${'\n'.repeat(120_000)}!`),
    'A-60000-crlf-#': (rng) => text(rng, `A${'\r\n'.repeat(60_000)}#`),
    'QUJD-200000-spaces-*': (rng) => text(rng, `QUJD${' '.repeat(200_000)}*`),
    '500000-tabs': (rng) => text(rng, '\t'.repeat(500_000)),
    'A-500000-then-*': (rng) => text(rng, `${'A'.repeat(500_000)}*`),
    'padding-inside-100000x': (rng) => text(rng, 'QUJD=='.repeat(100_000)),
  }),
  ...family('valid-base64', 0.4, {
    'random-3MiB': (rng) => text(rng, rng.bytes(3 * MIB).toString('base64')),
  }),
];
