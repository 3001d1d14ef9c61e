import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { BadRequestError } from '@maskrcnn-zmq/shared';
import { pino } from 'pino';
import { CallRunner } from '../../src/calls/call-runner.js';
import { Counters } from '../../src/ops/counters.js';

/** A runner whose log lines are kept, parsed. */
function runnerWithLog() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { runner: new CallRunner(new Counters(), pino({ level: 'debug' }, stream)), lines };
}

describe('CallRunner', () => {
  it("logs a caller's request id by its first 64 characters, however long the caller made it", async () => {
    const { runner, lines } = runnerWithLog();
    const call = {
      door: 'grpc' as const,
      method: 'ModelInfer',
      peer: 'p',
      requestId: 'x'.repeat(100_000),
    };
    assert.equal(await runner.run(call, async () => 'answer'), 'answer');
    runner.refused(call, new BadRequestError('no'));
    assert.deepEqual(
      lines.map((line) => line.requestId),
      ['x'.repeat(64), 'x'.repeat(64)],
    );
  });
});
