import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { coco128Photos } from '../../bench/load/photos.js';
import { runLoad } from '../../bench/load/run-load.js';
import { ServerProcess } from '../../bench/server-process.js';

/**
 * 16 clients calling the server process back to back for 10 s, every reply checked against the
 * photo its caller sent (bench/load/):
 *
 *   client ×16 --getMask(photo k)--> server --composite--> a JPEG of photo k's size?
 *   client ×16 --detect(photo k)---> server --detections--> photo k's instances?
 */
describe('server under load', () => {
  let server: ServerProcess | undefined;
  before(async () => {
    server = await ServerProcess.start({ flags: ['--queue', '128'] });
  });
  after(() => server?.stop());

  it('loses no reply and delivers none to the wrong caller with 16 clients', async () => {
    const report = await runLoad({
      endpoint: server!.endpoint,
      clients: 16,
      seconds: 10,
      images: coco128Photos(),
    });
    assert.equal(report.lost, 0, 'replies lost');
    assert.equal(report.misrouted, 0, report.misroutes.join('\n'));
    assert.ok(report.ok > 0, 'no call succeeded');
    assert.ok(server!.alive);
  });
});
