import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeEvent, newMessageId, requestHeader, VisionClient } from '@maskrcnn-zmq/shared';
import { photo, startServer } from '../helpers.js';

/** A ZMTP 3.0 DEALER by hand: zeromq.js always sends whole messages, and this peer must not. */
function zmtpDealer(endpoint: string): Promise<Socket> {
  const { hostname, port } = new URL(endpoint.replace('tcp://', 'http://'));
  const greeting = Buffer.alloc(64);
  greeting[0] = 0xff;
  greeting[9] = 0x7f;
  greeting[10] = 3; // version 3.0
  greeting.write('NULL', 12, 'latin1');
  const property = (name: string, value: string) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(value.length);
    return Buffer.concat([
      Buffer.from([name.length]),
      Buffer.from(name),
      length,
      Buffer.from(value),
    ]);
  };
  const ready = Buffer.concat([
    Buffer.from([5]),
    Buffer.from('READY'),
    property('Socket-Type', 'DEALER'),
  ]);
  // The server's greeting comes first; now and then (under load) a fresh connection hears
  // nothing, so one that stays silent for 2 s is dropped and made again.
  const attempt = () =>
    new Promise<Socket | undefined>((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      const silent = setTimeout(() => {
        socket.destroy();
        resolve(undefined);
      }, 2000);
      socket.once('data', () => {
        clearTimeout(silent);
        socket.write(greeting);
        socket.write(Buffer.concat([Buffer.from([0x04, ready.length]), ready]));
        resolve(socket);
      });
      socket.on('error', reject);
    });
  return (async () => {
    for (let tries = 0; tries < 3; tries++) {
      const socket = await attempt();
      if (socket) return socket;
    }
    throw new Error(`no ZMTP greeting from ${endpoint} in three tries`);
  })();
}

/** One long frame; with `more`, the message goes on (and here, never ends). */
function frame(body: Uint8Array, more: boolean): Buffer {
  const size = Buffer.alloc(8);
  size.writeBigUInt64BE(BigInt(body.length));
  return Buffer.concat([Buffer.from([more ? 0x03 : 0x02]), size, body]); // (MORE |) LONG
}

/**
 * A peer sends the delimiter and 8 MB of a payload frame, each marked "more to come", and then
 * nothing: ZeroMQ holds the half message and the receive loop never sees it.
 *
 *   half  --[""(more), ping]--> server --pong--> half   (the hand-made peer is heard)
 *   half  --[""(more), 8 MB(more)…   and silence
 *   honest --getMask--> server --OK--> honest   as fast as before
 */
describe('server and a peer that sends half a multipart message', () => {
  it('serves the others as fast as before', async () => {
    const server = await startServer();
    const honest = new VisionClient({ endpoint: server.endpoint, timeoutMs: 10_000 });
    const jpeg = readFileSync(photo('000000000599.jpg'));
    const half = await zmtpDealer(server.endpoint);
    let received = Buffer.alloc(0);
    half.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data]);
    });
    try {
      // A whole message first: the hand-made peer is one the server talks to.
      const ping = encodeEvent({
        header: requestHeader(newMessageId()),
        name: '_zerorpc_ping',
        args: [],
      });
      half.write(Buffer.concat([frame(Buffer.alloc(0), true), frame(ping, false)]));
      const until = performance.now() + 10_000;
      while (!received.includes('pong') && performance.now() < until) await sleep(5);
      assert.ok(received.includes('pong'), `no pong in ${received.length} bytes received`);

      const time = async () => {
        const started = performance.now();
        for (let i = 0; i < 5; i++) await honest.getMask(jpeg);
        return performance.now() - started;
      };
      const before = await time();
      half.write(frame(Buffer.alloc(0), true));
      half.write(frame(Buffer.alloc(8_000_000, 0x61), true));
      await sleep(200);
      const during = await time();
      assert.ok(
        // Generous: a busy machine varies; a server the half message stalled would not answer.
        during < before * 3 + 1000,
        `5 calls took ${before.toFixed(0)} ms, then ${during.toFixed(0)} ms`,
      );
      const { counters } = await honest.info();
      assert.deepEqual(counters.dropped, {}, 'nothing of the half message reached the loop');
    } finally {
      half.destroy();
      honest.close();
      await server.close();
    }
  });
});
