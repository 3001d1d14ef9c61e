import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { COCO_DIR, MODEL_DIR, REPO } from '../helpers.js';

/** MODEL.md: the reference pipeline with the net's own post-processing on coco128. */
const REFERENCE = { mask: 33.4, box: 40.1 };

describe('eval on coco128', () => {
  it('prints mask and box AP within 0.5 of the reference, and writes COCO results', async () => {
    const results = join(tmpdir(), `coco128-results-${process.pid}.json`);
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          `${REPO}server/dist/src/main.js`,
          'eval',
          COCO_DIR,
          '--model-dir',
          MODEL_DIR,
          '--results',
          results,
        ],
        { maxBuffer: 1 << 20 },
      );
      const row = (name: string) => {
        const match = stdout.match(
          new RegExp(`^${name}\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)`, 'm'),
        );
        assert.ok(match, `no ${name} row in:\n${stdout}`);
        return match.slice(1).map(Number);
      };
      const [maskAp, maskAp50, maskAp75] = row('mask');
      const [boxAp] = row('box');
      assert.match(stdout, /^128 images, \d+ detections/m);
      assert.ok(Math.abs(maskAp - REFERENCE.mask) <= 0.5, `mask AP ${maskAp}`);
      assert.ok(Math.abs(boxAp - REFERENCE.box) <= 0.5, `box AP ${boxAp}`);
      assert.ok(maskAp50 > maskAp75 && maskAp75 > 0, 'AP50 and AP75 printed');
      const detections = JSON.parse(await readFile(results, 'utf8'));
      assert.ok(detections.length > 1000);
      assert.deepEqual(Object.keys(detections[0]).sort(), [
        'bbox',
        'category_id',
        'image_id',
        'score',
        'segmentation',
      ]);
    } finally {
      await rm(results, { force: true });
    }
  });
});
