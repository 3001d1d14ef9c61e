import type { InferenceOptions } from '../inference/types.js';
import { booleanOf, classIdsOf, integerIn, numberIn } from './validate.js';

/** The options getMask and detect share, read from the caller's map. */
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
