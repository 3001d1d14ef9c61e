import type { DetectResult } from '@maskrcnn-zmq/shared';
import type { JobPool } from '../jobs/job-pool.js';
import { readImageArgument } from './image-argument.js';
import { inferenceOptionsOf, readOptions, SHARED_OPTIONS } from './inference-options.js';
import type { Method } from './method.js';

const OPTIONS = [...SHARED_OPTIONS, 'maxDetections', 'masks'];

export function detect(pool: JobPool): Method {
  return {
    name: 'detect',
    doc:
      'detect(image[, options]) -> {width, height, model, timingsMs, instances: [{label, classId, ' +
      'score, box: [x1, y1, x2, y2], mask: {size: [h, w], counts}}]}, masks as COCO compressed RLE ' +
      'in original-image pixels. options: scoreThreshold (0..1, default 0.5), maxDetections ' +
      '(1..100, default 100), masks (default true; false skips mask work), classes (names to keep), ' +
      'timeoutMs (drop the call once no answer can reach you in time).',
    args: ['image', 'options'],
    optional: ['options'],
    async handler([imageArg, optionsArg], context): Promise<DetectResult> {
      const options = readOptions(optionsArg, OPTIONS, context);
      const image = readImageArgument(imageArg);
      const output = await pool.run(
        { type: 'detect', image, inference: inferenceOptionsOf(options, pool.model.classes) },
        context,
      );
      return { ...output.result, model: pool.model.name };
    },
  };
}
