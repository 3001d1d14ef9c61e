import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Dealer } from 'zeromq';
import { ServerProcess } from '../../bench/server-process.js';

/**
 * A message is dropped on arrival, and its memory goes with it, even when its sender then stays
 * quiet: the server is a child process started as `npm start` starts it, so its resident memory
 * is its own.
 *
 *   peer --[34 routing frames of 8 MiB, "", payload]--> server   (272 MiB; dropped: no reply)
 *   peer … silence …
 *   server: resident memory back within a second or two
 */
describe('server memory after a huge message', () => {
  it('gives back the 272 MiB of a dropped message though its sender sends nothing more', async (t) => {
    const server = await ServerProcess.start();
    const peer = new Dealer({ linger: 1000 });
    try {
      const before = server.rssMiB();
      peer.connect(server.endpoint);
      const eightMiB = Buffer.alloc(8 << 20, 7);
      await peer.send([...Array(34).fill(eightMiB), Buffer.alloc(0), Buffer.from([0x90])]);
      await sleep(2500);
      const after = server.rssMiB();
      t.diagnostic(
        `resident memory ${before.toFixed(0)} MiB before, ${after.toFixed(0)} MiB after`,
      );
      assert.ok(after - before < 100, `${(after - before).toFixed(0)} MiB still resident`);
    } finally {
      peer.close();
      await server.stop();
    }
  });
});
