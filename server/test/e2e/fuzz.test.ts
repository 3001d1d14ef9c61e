import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type FuzzReport, runFuzz } from '../../bench/fuzz/run-fuzz.js';
import { stillServes } from '../../bench/fuzz/still-serves.js';
import { ServerProcess } from '../../bench/server-process.js';

/**
 * The server process under 2,000 hostile messages of every kind (bench/fuzz/kinds/):
 *
 *   fuzz socket ×4 --hostile message--> server   answers ERR what it can, drops the rest
 *   honest client  --info()----------> server   every second during the run, from its own process:
 *                                               must answer, within 2 s
 *   then           --getMask(zebra)--> server   must answer a JPEG of the zebra's size
 */
describe('server under hostile messages', () => {
  let server: ServerProcess | undefined;
  let report: FuzzReport;
  let rssBeforeMiB: number;

  before(async () => {
    server = await ServerProcess.start();
    const warmUp = await stillServes(server.endpoint);
    assert.ok(warmUp.ok, 'the warm-up getMask');
    rssBeforeMiB = server.rssMiB();
    report = await runFuzz({
      endpoint: server.endpoint,
      messages: 2000,
      sockets: 4,
      seed: 1,
      deadlineMs: 45_000,
    });
  });
  after(() => server?.stop());

  it('stays alive', () => {
    assert.ok(server?.alive, `the server exited:\n${server?.lastLines()}`);
  });

  it('answers a correct getMask afterwards with a JPEG of the photo’s size', async () => {
    const verdict = await stillServes(server!.endpoint, 20_000);
    assert.ok(verdict.ok, verdict.ok ? '' : verdict.problem);
  });

  it('grows by less than 150 MiB of resident memory', () => {
    const grownMiB = server!.rssMiB() - rssBeforeMiB;
    assert.ok(grownMiB < 150, `resident memory grew by ${grownMiB.toFixed(0)} MiB`);
  });

  it('answers every honest info() call during the run, none held for seconds', (t) => {
    const { honest } = report;
    t.diagnostic(
      `${honest.ok} honest info() calls, the slowest in ${honest.slowestMs.toFixed(0)} ms`,
    );
    assert.ok(honest.ok > 0);
    assert.equal(honest.failed, 0, JSON.stringify(honest.errors));
    // No hostile message holds the loop that serves the others: 0.1-0.2 s here at the slowest.
    assert.ok(honest.slowestMs < 2000, `an honest info() took ${honest.slowestMs.toFixed(0)} ms`);
  });
});
