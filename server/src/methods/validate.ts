import { BadRequestError, describe } from '@maskrcnn-zmq/shared';

/**
 * Argument checks for method options. Every message names the parameter, what was expected and
 * what arrived, from one helper, so they read alike.
 */
export function invalidParameter(name: string, expected: string, actual: unknown): BadRequestError {
  const shown =
    typeof actual === 'number' || typeof actual === 'boolean' ? String(actual) : describe(actual);
  return new BadRequestError(`Expected ${expected} for ${name} but received ${shown}`);
}

/** The options map, or an empty one when the caller sent none (nil or absent). */
export function optionsMap(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)) {
    return value as Record<string, unknown>;
  }
  throw invalidParameter('options', 'a map with string keys', value);
}

/** Rejects keys the method does not know, so a misspelt option fails loudly instead of being ignored. */
export function knownKeys(options: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new BadRequestError(`Unknown option '${key}'; expected one of: ${allowed.join(', ')}`);
    }
  }
}

/**
 * The option `name`, or `fallback` when absent (nil counts as absent, as Python's None).
 * @throws {BadRequestError} saying `expected` when `accept` refuses the value.
 */
function option<T>(
  options: Record<string, unknown>,
  name: string,
  fallback: T,
  expected: string,
  accept: (value: unknown) => boolean,
): T {
  const value = options[name];
  if (value === undefined || value === null) return fallback;
  if (!accept(value)) throw invalidParameter(name, expected, value);
  return value as T;
}

const between = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;

export function numberIn(
  options: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  return option(options, name, fallback, `a number between ${min} and ${max}`, (value) =>
    between(value, min, max),
  );
}

export function integerIn(
  options: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
  fallback: number,
): number {
  return option(
    options,
    name,
    fallback,
    `an integer between ${min} and ${max}`,
    (value) => between(value, min, max) && Number.isInteger(value),
  );
}

export function booleanOf(
  options: Record<string, unknown>,
  name: string,
  fallback: boolean,
): boolean {
  return option(options, name, fallback, 'true or false', (value) => typeof value === 'boolean');
}

export function oneOf<T extends string>(
  options: Record<string, unknown>,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  return option(options, name, fallback, `one of ${choices.join(', ')}`, (value) =>
    choices.includes(value as T),
  );
}

/** Class names from one comma-separated text, as doors that carry only scalars send them. */
export function classNamesIn(text: string): string[] {
  return text.split(',').map((name) => name.trim());
}

/**
 * Class names to keep, turned into the model's class ids; undefined keeps every class.
 * @throws {BadRequestError} naming the unknown classes.
 */
export function classIdsOf(
  options: Record<string, unknown>,
  classes: readonly string[],
): Set<number> | undefined {
  const value = option<string[] | undefined>(
    options,
    'classes',
    undefined,
    'an array of class names',
    (value) => Array.isArray(value) && value.every((item) => typeof item === 'string'),
  );
  if (value === undefined) return undefined;
  const unknown = value.filter((name) => !classes.includes(name));
  if (unknown.length > 0) {
    throw new BadRequestError(
      `Unknown class name(s) in classes: ${unknown.join(', ')}; call info() for the model's classes`,
    );
  }
  // Class ids count from 1: 0 is the background, which has no name.
  return new Set(value.map((name) => classes.indexOf(name) + 1));
}
