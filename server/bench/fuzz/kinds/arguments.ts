/**
 * Well-formed requests with one argument wrong: the image position holding every other type,
 * each option of getMask and detect holding values of the wrong type or range, and options that
 * do not exist. The image is a valid small PNG, so only the fault under test is refused.
 */
import { SMALL_PNG } from '../hostile-images.js';
import { mapOf, type Packable } from '../msgpack-writer.js';
import type { Prng } from '../prng.js';
import { family, type Kind, request } from './kind.js';

const HUGE_INT = 2n ** 64n - 1n;
const MOST_NEGATIVE = -(2n ** 63n);

/** Values of the image argument's wrong types (a str or bin would be read as base64 or bytes). */
const WRONG_IMAGES: Record<string, Packable> = {
  number: 42,
  float: 0.5,
  map: { data: SMALL_PNG },
  array: [SMALL_PNG],
  nil: null,
  bool: true,
  'huge-int': HUGE_INT,
  'most-negative-int': MOST_NEGATIVE,
};

/** Values no option accepts (an empty array would be valid classes: keep none). */
const WRONG_FOR_ALL: Packable[] = [HUGE_INT, MOST_NEGATIVE, { a: 1 }, [0.5], Buffer.from('x')];

/** Per option, values of the wrong type or out of range (none nil: nil means "the default"). */
const WRONG_OPTIONS: Record<string, Packable[]> = {
  scoreThreshold: ['0.5', -0.1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, true],
  maxDetections: [0, 101, 2.5, '10', false, -1],
  masks: [0, 1, 'false', 'no'],
  classes: [
    'person',
    [1, 2],
    ['unicorn'],
    [null],
    ['constructor'],
    ['__proto__'],
    Array.from({ length: 10_000 }, (_, i) => `no-such-class-${i}`),
  ],
  format: ['gif', 'JPEG', 1, true],
  quality: [0, 101, 50.5, '85', false],
};

const METHOD_OF: Record<string, 'getMask' | 'detect' | 'both'> = {
  scoreThreshold: 'both',
  maxDetections: 'detect',
  masks: 'detect',
  classes: 'both',
  format: 'getMask',
  quality: 'getMask',
};

function methodFor(rng: Prng, option: string): string {
  const method = METHOD_OF[option];
  return method === 'both' ? rng.pick(['getMask', 'detect']) : method;
}

const wrongImage = Object.fromEntries(
  Object.entries(WRONG_IMAGES).map(([type, value]) => [
    type,
    (rng: Prng) => request(rng, rng.pick(['getMask', 'detect']), [value, {}]),
  ]),
);

const wrongOption = Object.fromEntries(
  Object.entries(WRONG_OPTIONS).map(([option, values]) => [
    option,
    (rng: Prng) =>
      request(rng, methodFor(rng, option), [
        SMALL_PNG,
        { [option]: rng.pick([...values, ...WRONG_FOR_ALL]) },
      ]),
  ]),
);

const UNKNOWN_OPTIONS: Record<string, () => Packable> = {
  misspelt: () => ({ treshold: 0.3 }),
  'empty-key': () => ({ '': 1 }),
  'key-of-10000-chars': () => ({ ['k'.repeat(10_000)]: 1 }),
  '200-keys': () => Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`o${i}`, i])),
  'integer-key': () => mapOf([[1, 1]]),
  'option-of-the-other-method': () => ({ maxDetections: 5, format: 'png' }),
};

const unknownOption = Object.fromEntries(
  Object.entries(UNKNOWN_OPTIONS).map(([what, options]) => [
    what,
    (rng: Prng) => request(rng, rng.pick(['getMask', 'detect']), [SMALL_PNG, options()]),
  ]),
);

export const ARGUMENTS: Kind[] = [
  ...family('image-wrong-type', 6, wrongImage),
  ...family('options-wrong-type', 2, {
    value: (rng) =>
      request(rng, rng.pick(['getMask', 'detect']), [
        SMALL_PNG,
        rng.pick<Packable>([7, 'fast', [1], true, Buffer.from('x'), HUGE_INT]),
      ]),
  }),
  ...family('option-wrong-value', 12, wrongOption),
  ...family('unknown-option', 4, unknownOption),
];
