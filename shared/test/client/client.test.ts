import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Router } from 'zeromq';
import { ZerorpcClient } from '../../src/client/client.js';
import {
  InvalidImageError,
  LostRemoteError,
  type RemoteError,
  TimeoutError,
} from '../../src/protocol/errors.js';
import {
  decodeEvent,
  encodeEvent,
  responseHeader,
  type ZerorpcEvent,
} from '../../src/protocol/events.js';
import { parseRouted, routedFrames } from '../../src/protocol/frames.js';

/**
 * The far side of the client under test: a real ROUTER on loopback whose answers each test
 * scripts. It records every event and the identity of the socket that sent it.
 */
class ScriptedServer {
  readonly socket = new Router({ linger: 0 });
  readonly received: Array<{ peer: string; event: ZerorpcEvent }> = [];
  onRequest: (
    request: ZerorpcEvent,
    reply: (name: string, args: unknown[]) => Promise<void>,
  ) => void = () => {};

  async start(): Promise<string> {
    await this.socket.bind('tcp://127.0.0.1:0');
    void this.loop();
    return this.socket.lastEndpoint!;
  }

  private async loop(): Promise<void> {
    try {
      for await (const frames of this.socket) {
        const { identity, payload } = parseRouted(frames);
        const event = decodeEvent(payload);
        this.received.push({ peer: identity[0].toString('hex'), event });
        if (event.header.response_to !== undefined) continue;
        this.onRequest(event, (name, args) =>
          this.socket.send(
            routedFrames(
              identity,
              encodeEvent({ header: responseHeader(event.header.message_id), name, args }),
            ),
          ),
        );
      }
    } catch {
      // Closed by the test.
    }
  }

  requests(): ZerorpcEvent[] {
    return this.received
      .filter(({ event }) => event.header.response_to === undefined)
      .map(({ event }) => event);
  }
}

describe('client calls', () => {
  let server: ScriptedServer;
  let client: ZerorpcClient;
  let endpoint: string;

  beforeEach(async () => {
    server = new ScriptedServer();
    endpoint = await server.start();
  });
  afterEach(() => {
    client?.close();
    server.socket.close();
  });

  it('sends [header, name, args] with a str id and resolves with the OK value', async () => {
    // client --request--> server --OK [result]--> client
    server.onRequest = (request, reply) => void reply('OK', [{ echoed: request.args }]);
    client = new ZerorpcClient({ endpoint });
    assert.deepEqual(await client.call('echo', [1, 'two']), { echoed: [1, 'two'] });
    const [request] = server.requests();
    assert.equal(request.name, 'echo');
    assert.equal(typeof request.header.message_id, 'string');
    assert.equal(request.header.v, 3);
  });

  it('turns ERR [name, message, traceback] into the named error class', async () => {
    server.onRequest = (_request, reply) =>
      void reply('ERR', ['InvalidImage', 'not an image', 'tb']);
    client = new ZerorpcClient({ endpoint });
    await assert.rejects(client.call('getMask', [new Uint8Array(1)]), (error: Error) => {
      assert.ok(error instanceof InvalidImageError);
      assert.equal(error.name, 'InvalidImage');
      assert.equal(error.message, 'not an image');
      assert.equal((error as RemoteError).traceback, 'tb');
      return true;
    });
  });

  it('matches overlapping calls to their replies by response_to, in any order', async () => {
    server.onRequest = (request, reply) => {
      const delayMs = request.args?.[0] as number;
      setTimeout(() => void reply('OK', [delayMs]), delayMs);
    };
    client = new ZerorpcClient({ endpoint });
    const results = await Promise.all([60, 10, 35, 0].map((ms) => client.call('wait', [ms])));
    assert.deepEqual(results, [60, 10, 35, 0]);
  });

  it('times out, then serves the next call on a fresh socket', async () => {
    // client --request 1--> server (never answers) ... TimeoutError; client --request 2--> (new peer) --OK-->
    server.onRequest = (request, reply) => {
      if (request.args?.[0] === 'answer') void reply('OK', ['late but fine']);
    };
    client = new ZerorpcClient({ endpoint, timeoutMs: 100 });
    await assert.rejects(client.call('x', ['ignore']), TimeoutError);
    assert.equal(await client.call('x', ['answer']), 'late but fine');
    const peers = new Set(
      server.received.filter(({ event }) => event.name === 'x').map(({ peer }) => peer),
    );
    assert.equal(peers.size, 2, 'the second call came from a new socket');
  });

  it('keeps a long call alive on the server heartbeats and beats back', async () => {
    // client --request--> server; server --_zpc_hb--> every 30 ms for 200 ms; then --OK-->
    server.onRequest = (_request, reply) => {
      const beats = setInterval(() => void reply('_zpc_hb', [0]), 30);
      setTimeout(() => {
        clearInterval(beats);
        void reply('OK', ['done']);
      }, 200);
    };
    client = new ZerorpcClient({ endpoint, heartbeatMs: 40 });
    assert.equal(await client.call('slow'), 'done');
    const clientBeats = server.received.filter(({ event }) => event.name === '_zpc_hb');
    assert.ok(clientBeats.length >= 3, `client beats: ${clientBeats.length}`);
    assert.ok(
      clientBeats.every(
        ({ event }) => event.header.response_to === server.requests()[0].header.message_id,
      ),
    );
  });

  it('declares a silent server lost after two heartbeat intervals', async () => {
    client = new ZerorpcClient({ endpoint, heartbeatMs: 30, timeoutMs: 5000 });
    const started = Date.now();
    await assert.rejects(client.call('silent'), LostRemoteError);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 60 && elapsed < 1000, `lost after ${elapsed} ms`);
  });

  it('fails open calls when closed', async () => {
    client = new ZerorpcClient({ endpoint });
    const pending = client.call('never');
    await sleep(10);
    client.close();
    await assert.rejects(pending, { name: 'ClientClosed' });
    await assert.rejects(client.call('after'), { name: 'ClientClosed' });
  });
});
