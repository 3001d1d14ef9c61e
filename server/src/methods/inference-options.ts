import type { InferenceOptions } from '../inference/types.js';
import type { CallContext } from './method.js';
import { booleanOf, classIdsOf, integerIn, knownKeys, numberIn, optionsMap } from './validate.js';

/** The options getMask and detect share. */
export const SHARED_OPTIONS = ['scoreThreshold', 'classes', 'timeoutMs'] as const;

/**
 * Reads the options map of an image method: only `allowed` keys, and a `timeoutMs` becomes the
 * call's deadline, as the header's `timeout_ms` does for callers that can set headers.
 * @throws {BadRequestError} for an unknown key or a bad `timeoutMs`.
 */
export function readOptions(
  value: unknown,
  allowed: readonly string[],
  context: CallContext,
): Record<string, unknown> {
  const options = optionsMap(value);
  knownKeys(options, allowed);
  const timeoutMs = integerIn(options, 'timeoutMs', 1, 2 ** 31 - 1, 0);
  if (timeoutMs > 0) context.limitTime(timeoutMs);
  return options;
}

/** The inference options getMask and detect share, read from the caller's map. */
export function inferenceOptionsOf(
  options: Record<string, unknown>,
  classes: readonly string[],
): InferenceOptions {
  return {
    scoreThreshold: numberIn(options, 'scoreThreshold', 0, 1, 0.5),
    maxDetections: integerIn(options, 'maxDetections', 1, 100, 100),
    masks: booleanOf(options, 'masks', true),
    classIds: classIdsOf(options, classes),
  };
}
