import type { WorkerPool } from '../inference/worker-pool.js';
import { inForm, readImageArgument } from './image-argument.js';
import { inferenceOptionsOf } from './inference-options.js';
import type { Method } from './method.js';
import { integerIn, knownKeys, oneOf, optionsMap } from './validate.js';

const OPTIONS = ['scoreThreshold', 'classes', 'format', 'quality'] as const;

export function getMask(pool: WorkerPool): Method {
  return {
    name: 'getMask',
    doc:
      'getMask(image[, options]) -> the image with each detected instance drawn: its mask in a ' +
      'translucent colour with an outline, its box, and a "label score" caption. image: JPEG, PNG ' +
      'or WebP bytes, or base64 text of them; the composite comes back in the same form. options: ' +
      'scoreThreshold (0..1, default 0.5), classes (names to keep), format ("jpeg" | "png", default ' +
      'jpeg), quality (1..100, default 85).',
    args: ['image', 'options'],
    optional: ['options'],
    async handler([imageArg, optionsArg], { signal }) {
      const options = optionsMap(optionsArg);
      knownKeys(options, OPTIONS);
      const image = readImageArgument(imageArg);
      const output = await pool.run(
        {
          type: 'getMask',
          image: image.bytes,
          inference: { ...inferenceOptionsOf(options, pool.model.classes), masks: true },
          output: {
            format: oneOf(options, 'format', ['jpeg', 'png'], 'jpeg'),
            quality: integerIn(options, 'quality', 1, 100, 85),
          },
        },
        signal,
      );
      return inForm(output.composite, image.form);
    },
  };
}
