import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  decodeEvent,
  encodeEvent,
  newMessageId,
  requestHeader,
  responseHeader,
  VisionClient,
} from '@maskrcnn-zmq/shared';
import { pino } from 'pino';
import { Dealer } from 'zeromq';
import { photo, startServer } from '../helpers.js';

const HEARTBEAT_MS = 50;

/**
 * A caller that beat once and then went silent is gone; its queued request is withdrawn:
 *
 *   others --getMask ×8--> server   (eight peers, one call each: the worker stays busy)
 *   silent --detect------> server   (queued)
 *   silent --_zpc_hb-----> server   once, then nothing
 *   server: two intervals without a beat → caller lost → the request leaves the queue, no reply
 */
describe('server and a caller that goes away', () => {
  it('drops the queued work of a caller whose beats stopped', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const server = await startServer({
      heartbeatMs: HEARTBEAT_MS,
      log: pino({ level: 'info' }, sink),
    });
    const others = Array.from(
      { length: 8 },
      () => new VisionClient({ endpoint: server.endpoint, heartbeatMs: HEARTBEAT_MS }),
    );
    const silent = new Dealer({ linger: 0 });
    try {
      const image = readFileSync(photo('000000000459.jpg'));
      const busy = Promise.all(others.map((other) => other.getMask(image)));
      await sleep(100);
      silent.connect(server.endpoint);
      const id = newMessageId();
      const send = (name: string, header = requestHeader(id), args: unknown[] = [image]) =>
        silent.send([Buffer.alloc(0), encodeEvent({ header, name, args })]);
      await send('detect');
      await send('_zpc_hb', responseHeader(id), [0]);

      const replies: string[] = [];
      const listening = (async () => {
        for await (const [, payload] of silent) replies.push(decodeEvent(payload).name);
      })().catch(() => {});
      await busy;
      await sleep(4 * HEARTBEAT_MS);

      assert.ok(
        lines.some((line) => line.includes('caller lost; its work is dropped')),
        'loss logged',
      );
      assert.ok(!replies.includes('OK'), `the gone caller got ${replies.join(', ')}`);
      assert.ok(replies.includes('_zpc_hb'), 'it was beaten to while it waited');
      const { counters, queue } = await others[0].info();
      assert.equal(counters.abandoned.lostCaller, 1);
      assert.deepEqual([queue.waiting, queue.running], [0, 0]);
      silent.close();
      await listening;
    } finally {
      for (const other of others) other.close();
      await server.close();
    }
  });
});
