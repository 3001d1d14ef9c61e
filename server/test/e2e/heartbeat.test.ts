import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { VisionClient } from '@maskrcnn-zmq/shared';
import sharp from 'sharp';
import type { VisionServer } from '../../src/server.js';
import { photo, pythonCall, startServer, WITHOUT_PYTHON } from '../helpers.js';

const HEARTBEAT_MS = 100;

/**
 * With 100 ms beats on both sides, a call queued behind others waits far longer than two
 * intervals. It survives only if the server kept beating while the worker inferred:
 *
 *   client --getMask--> server            (queued behind the others)
 *   client <--_zpc_hb-- server  every 100 ms, while other frames are inferred
 *   client --_zpc_hb--> server  every 100 ms
 *   client <--OK------- server
 */
describe('server heartbeats during inference', () => {
  let server: VisionServer;
  before(async () => {
    server = await startServer({ heartbeatMs: HEARTBEAT_MS });
  });
  after(() => server.close());

  it('keeps a queued call alive for many intervals (TypeScript client)', async () => {
    const client = new VisionClient({ endpoint: server.endpoint, heartbeatMs: HEARTBEAT_MS });
    try {
      const image = readFileSync(photo('000000000599.jpg'));
      const started = performance.now();
      const composites = await Promise.all(Array.from({ length: 8 }, () => client.getMask(image)));
      const elapsedMs = performance.now() - started;
      assert.ok(elapsedMs > 3 * HEARTBEAT_MS, `the last call waited ${elapsedMs} ms`);
      assert.equal(composites.length, 8);
    } finally {
      client.close();
    }
  });

  it('keeps a queued Python call alive and beats to it', { skip: WITHOUT_PYTHON }, async () => {
    // Five megapixels, so the work ahead outlasts Python's start and many beats.
    const image = await sharp(photo('000000000394.jpg')).resize(2560, 1920).jpeg().toBuffer();
    // Six peers with one call each: the fair queue serves the Python call after them, in turn.
    const clients = Array.from(
      { length: 6 },
      () => new VisionClient({ endpoint: server.endpoint, heartbeatMs: HEARTBEAT_MS }),
    );
    try {
      const ahead = clients.map((client) => client.getMask(image));
      const reply = await pythonCall(server.endpoint, 'detect', [{ masks: false }], {
        image: photo('000000000394.jpg'),
        heartbeatS: HEARTBEAT_MS / 1000,
      });
      await Promise.all(ahead);
      assert.equal(reply.err, undefined, JSON.stringify(reply.err));
      assert.ok(reply.beats_received >= 2, `beats received: ${reply.beats_received}`);
    } finally {
      for (const client of clients) client.close();
    }
  });
});
