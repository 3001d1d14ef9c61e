import type { JobPool } from '../jobs/job-pool.js';
import { readImageArgument } from './image-argument.js';
import { inferenceOptionsOf, readOptions, SHARED_OPTIONS } from './inference-options.js';
import type { Method } from './method.js';
import { integerIn, oneOf } from './validate.js';

const OPTIONS = [...SHARED_OPTIONS, 'format', 'quality'];

export function getMask(pool: JobPool): Method {
  return {
    name: 'getMask',
    doc:
      'getMask(image[, options]) -> the image with each detected instance drawn: its mask in a ' +
      'translucent colour with an outline, its box, and a "label score" caption. image: JPEG, PNG ' +
      'or WebP bytes, or base64 text of them; the composite comes back in the same form. options: ' +
      'scoreThreshold (0..1, default 0.5), classes (names to keep), format ("jpeg" | "png", default ' +
      'jpeg), quality (1..100, default 85), timeoutMs (drop the call once no answer can reach you ' +
      'in time).',
    args: ['image', 'options'],
    optional: ['options'],
    async handler([imageArg, optionsArg], context) {
      const options = readOptions(optionsArg, OPTIONS, context);
      const image = readImageArgument(imageArg);
      const output = await pool.run(
        {
          type: 'getMask',
          image,
          inference: { ...inferenceOptionsOf(options, pool.model.classes), masks: true },
          output: {
            format: oneOf(options, 'format', ['jpeg', 'png'], 'jpeg'),
            quality: integerIn(options, 'quality', 1, 100, 85),
          },
        },
        context,
      );
      return output.composite;
    },
  };
}
