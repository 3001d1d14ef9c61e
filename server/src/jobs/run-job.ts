import { toDetectedInstances } from '../coco/results.js';
import { decodeImage } from '../image/decode.js';
import { imageBytesOf, inForm } from '../image/image-form.js';
import type { MaskRcnnPipeline } from '../inference/pipeline.js';
import { renderComposite } from '../render/composite.js';
import type { Job, JobOutput } from './job.js';

/**
 * One job from the caller's argument to its answer: image form → decode → pipeline → render or
 * RLE → the answer in the caller's form. An inference worker runs it for each call, and the
 * bench runs the very same function in-process.
 *
 * `checkpoint` runs at every stage boundary; throwing from it skips the remaining stages
 * (their caller is gone or out of time).
 * @throws InvalidImageError, ImageTooLargeError for the image; ModelRunError from the graphs.
 */
export async function runJob(
  pipeline: MaskRcnnPipeline,
  job: Job,
  maxInputPixels: number,
  checkpoint: () => void | Promise<void> = () => {},
): Promise<JobOutput> {
  const started = performance.now();
  const { bytes, form } = imageBytesOf(job.image);
  const image = await decodeImage(bytes, { maxInputPixels });
  const decode = performance.now() - started;
  await checkpoint();
  const { instances, timingsMs } = await pipeline.run(image, job.inference, checkpoint);
  await checkpoint();
  const encodeStarted = performance.now();
  const stages = () => {
    const finished = performance.now();
    return { decode, ...timingsMs, encode: finished - encodeStarted, total: finished - started };
  };
  if (job.type === 'getMask') {
    const composite = await renderComposite(image, instances, job.output);
    return { type: 'getMask', composite: inForm(composite, form), timingsMs: stages() };
  }
  const described = job.rle === false ? instances.map(({ mask: _, ...rest }) => rest) : instances;
  const detections = toDetectedInstances(described, image.height, image.width);
  const composite = job.composite && (await renderComposite(image, instances, job.composite));
  return {
    type: 'detect',
    result: {
      width: image.width,
      height: image.height,
      timingsMs: stages(),
      instances: detections,
    },
    composite,
  };
}
