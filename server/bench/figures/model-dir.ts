import { ensureModel, type Precision, silentProgress } from '@maskrcnn-zmq/models';
import { MODEL_DIR, SHARED } from '../../test/helpers.js';

/**
 * The embedded model's folder at `precision`: float is the reference conversion beside the
 * checkout; an int8 form comes from the model cache, converted there from the Caffe2 files
 * beside the checkout if missing.
 */
export async function modelDirOf(precision: Precision): Promise<string> {
  if (precision === 'float') return MODEL_DIR;
  const model = await ensureModel('maskrcnn2go', {
    seedFrom: `${SHARED}models/maskrcnn2go`,
    allowDownload: false,
    onProgress: silentProgress,
    precision,
  });
  return model.dir;
}
