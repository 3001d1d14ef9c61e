import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeEvent, requestHeader } from '@maskrcnn-zmq/shared';
import { pino } from 'pino';
import { Dealer } from 'zeromq';
import { photo, startServer } from '../helpers.js';

/**
 * Each call's log lines carry the caller's own message id, so a caller's log and the server's
 * meet: the line that ends a call names its method, peer, outcome and time.
 */
describe('server call logs', () => {
  it('tags every line about a call with its request id, and ends with outcome and time', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const server = await startServer({ log: pino({ level: 'info' }, sink) });
    const caller = new Dealer({ linger: 0 });
    try {
      caller.connect(server.endpoint);
      const id = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
      const image = readFileSync(photo('000000000034.jpg'));
      await caller.send([
        Buffer.alloc(0),
        encodeEvent({ header: requestHeader(id), name: 'detect', args: [image] }),
      ]);
      await caller.receive();
      await sleep(50);
      const ours = lines.filter((line) => line.requestId === id);
      const finished = ours.find((line) => line.msg === 'call finished');
      assert.ok(finished, JSON.stringify(lines.slice(-3)));
      assert.equal(finished.method, 'detect');
      assert.equal(finished.outcome, 'ok');
      assert.equal(typeof finished.ms, 'number');
      assert.match(String(finished.peer), /^[0-9a-f]+$/);
    } finally {
      caller.close();
      await server.close();
    }
  });
});
