import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type DetectResult, OverloadedError, VisionClient } from '@maskrcnn-zmq/shared';
import type { VisionServer } from '../../src/server.js';
import { photo, SMOKE_IMAGES, startServer } from '../helpers.js';

const files = Object.keys(SMOKE_IMAGES);
const images = files.map((file) => readFileSync(photo(file)));
/** What matters of a result to tell whose reply it is. */
const fingerprint = (result: DetectResult) =>
  JSON.stringify([
    result.width,
    result.height,
    result.instances.map((i) => [i.label, i.score, i.box]),
  ]);

describe('server under concurrent callers', () => {
  let server: VisionServer;
  before(async () => {
    server = await startServer({ queueLimit: 200, perPeerQueueLimit: 200 });
  });
  after(() => server.close());

  it('returns every one of 8 clients × 20 concurrent calls to the caller that asked, correct', async () => {
    const baseline = new VisionClient({ endpoint: server.endpoint });
    const expected: string[] = [];
    for (const image of images)
      expected.push(fingerprint(await baseline.detect(image, { masks: false })));
    baseline.close();

    const clients = Array.from(
      { length: 8 },
      () => new VisionClient({ endpoint: server.endpoint, timeoutMs: 120_000 }),
    );
    try {
      const calls = clients.flatMap((client, c) =>
        Array.from({ length: 20 }, async (_, i) => {
          const which = (c * 20 + i) % images.length;
          const result = await client.detect(images[which], { masks: false });
          return { which, got: fingerprint(result) };
        }),
      );
      const replies = await Promise.all(calls);
      assert.equal(replies.length, 160);
      for (const { which, got } of replies)
        assert.equal(got, expected[which], `reply for ${files[which]}`);
    } finally {
      for (const client of clients) client.close();
    }
  });

  it('refuses calls past the queue limit at once with Overloaded, and serves the rest', async () => {
    const small = await startServer({ queueLimit: 2 });
    const client = new VisionClient({ endpoint: small.endpoint, timeoutMs: 60_000 });
    try {
      const started = performance.now();
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, () =>
          client.detect(images[0], { masks: false }).then(
            () => ({ ok: true, ms: 0 }),
            (error: Error) => {
              assert.ok(error instanceof OverloadedError, error.message);
              assert.match(error.message, /2 requests are already waiting/);
              return { ok: false, ms: performance.now() - started };
            },
          ),
        ),
      );
      const served = outcomes.filter((outcome) => outcome.ok).length;
      // One runs, two wait; the other seven are refused without waiting for any inference.
      assert.equal(served, 3);
      for (const refused of outcomes.filter((outcome) => !outcome.ok)) assert.ok(refused.ms < 1000);
    } finally {
      client.close();
      await small.close();
    }
  });
});
