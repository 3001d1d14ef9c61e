import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { RequestTooLargeError, VisionClient } from '@maskrcnn-zmq/shared';
import { photo, pythonCall, startServer, WITHOUT_PYTHON } from '../helpers.js';

const LIMIT = 300_000;

/**
 * ZeroMQ drops the connection of a peer whose message is over the server's limit, and every
 * call in flight on it with it, without a reply. The TypeScript client learns the limit from
 * `info()` and refuses such a request itself:
 *
 *   client --info--> server → {maxMessageBytes: 300000}
 *   client: getMask(406 KB) → RequestTooLargeError, nothing sent
 *   client --detect(41 KB)--> server → OK, the connection untouched
 */
describe('server request limit, seen from the TypeScript client', () => {
  it('refuses an oversized image locally and keeps the calls in flight', async () => {
    const server = await startServer({ maxMessageBytes: LIMIT });
    const client = new VisionClient({ endpoint: server.endpoint, timeoutMs: 20_000 });
    try {
      const small = readFileSync(photo('000000000643.jpg'));
      const large = readFileSync(photo('000000000034.jpg'));
      const inFlight = client.detect(small, { masks: false });
      await assert.rejects(client.getMask(large), (error: Error) => {
        assert.ok(error instanceof RequestTooLargeError);
        assert.match(
          error.message,
          /^getMask\(\) request of 4\d{5} bytes is over the server's limit of 300000 bytes/,
        );
        return true;
      });
      const result = await inFlight;
      assert.ok(result.instances.length > 0);
      assert.equal((await client.info()).maxMessageBytes, LIMIT);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('gives a Python caller no reply for an oversized image: LostRemote after two beats', {
    skip: WITHOUT_PYTHON,
  }, async () => {
    const server = await startServer({ maxMessageBytes: LIMIT, heartbeatMs: 200 });
    try {
      const reply = await pythonCall(server.endpoint, 'getMask', [], {
        image: photo('000000000034.jpg'),
        heartbeatS: 0.2,
      });
      assert.equal(reply.err?.[0], 'LostRemote');
      assert.equal(reply.beats_received, 0);
    } finally {
      await server.close();
    }
  });
});
