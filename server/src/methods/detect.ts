import type { DetectResult } from '@maskrcnn-zmq/shared';
import type { WorkerPool } from '../inference/worker-pool.js';
import { readImageArgument } from './image-argument.js';
import { inferenceOptionsOf } from './inference-options.js';
import type { Method } from './method.js';
import { knownKeys, optionsMap } from './validate.js';

const OPTIONS = ['scoreThreshold', 'maxDetections', 'masks', 'classes'] as const;

export function detect(pool: WorkerPool): Method {
  return {
    name: 'detect',
    doc:
      'detect(image[, options]) -> {width, height, model, timingsMs, instances: [{label, classId, ' +
      'score, box: [x1, y1, x2, y2], mask: {size: [h, w], counts}}]}, masks as COCO compressed RLE ' +
      'in original-image pixels. options: scoreThreshold (0..1, default 0.5), maxDetections ' +
      '(1..100, default 100), masks (default true; false skips mask work), classes (names to keep).',
    args: ['image', 'options'],
    optional: ['options'],
    async handler([imageArg, optionsArg], { signal }): Promise<DetectResult> {
      const options = optionsMap(optionsArg);
      knownKeys(options, OPTIONS);
      const image = readImageArgument(imageArg);
      const output = await pool.run(
        {
          type: 'detect',
          image: image.bytes,
          inference: inferenceOptionsOf(options, pool.model.classes),
        },
        signal,
      );
      return { ...output.result, model: pool.model.name };
    },
  };
}
