/**
 * What each photo's own reply looks like, measured before a load run: its size, and what
 * detect finds in it (labels, scores, boxes). During the run every reply is compared with the
 * reference of the photo its caller sent, so a reply delivered to the wrong caller is caught.
 */
import type { DetectResult, VisionClient } from '@maskrcnn-zmq/shared';
import sharp from 'sharp';
import type { Photo } from './photos.js';

/** Scores and boxes may move this little between runs (thread scheduling in the model's sums). */
const SCORE_TOLERANCE = 0.01;
const BOX_TOLERANCE_PX = 2;

export class Reference {
  private constructor(
    private readonly photo: Photo,
    private readonly detected: DetectResult,
  ) {}

  /** detect (without masks) of every photo, one at a time. */
  static async of(client: VisionClient, photos: readonly Photo[]): Promise<Reference[]> {
    const references: Reference[] = [];
    for (const photo of photos) {
      references.push(new Reference(photo, await client.detect(photo.bytes, { masks: false })));
    }
    return references;
  }

  /** Why a detect reply is not this photo's, or undefined when it is. */
  mismatchOfDetect(result: DetectResult): string | undefined {
    const { file, width, height } = this.photo;
    if (result.width !== width || result.height !== height) {
      return `detect of ${file} (${width}×${height}) answered for ${result.width}×${result.height}`;
    }
    const want = this.detected.instances;
    const got = result.instances;
    const same =
      want.length === got.length &&
      want.every(
        (instance, i) =>
          instance.label === got[i].label &&
          Math.abs(instance.score - got[i].score) <= SCORE_TOLERANCE &&
          instance.box.every((x, k) => Math.abs(x - got[i].box[k]) <= BOX_TOLERANCE_PX),
      );
    return same ? undefined : `detect of ${file}: ${summary(got)} instead of ${summary(want)}`;
  }

  /** Why a getMask reply is not this photo's composite (a JPEG of its size), or undefined. */
  async mismatchOfComposite(composite: Uint8Array): Promise<string | undefined> {
    const { file, width, height } = this.photo;
    if (composite[0] !== 0xff || composite[1] !== 0xd8 || composite[2] !== 0xff) {
      return `getMask of ${file} did not answer a JPEG`;
    }
    const got = await sharp(composite).metadata();
    return got.width === width && got.height === height
      ? undefined
      : `getMask of ${file} (${width}×${height}) answered a ${got.width}×${got.height} JPEG`;
  }
}

function summary(instances: DetectResult['instances']): string {
  return `[${instances.map((i) => `${i.label} ${i.score.toFixed(2)}`).join(', ')}]`;
}
