import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { type DetectResult, VisionClient } from '@maskrcnn-zmq/shared';
import { onPath } from '@maskrcnn-zmq/shared/test-support';
import sharp from 'sharp';
import type { VisionServer } from '../../src/server.js';
import { decodeOutputs, InferenceClient, imageRequest } from '../grpc-helpers.js';
import { photo, REPO, SMOKE_IMAGES, skipUnless } from '../helpers.js';
import { startHttpServer } from './http-support.js';

const run = promisify(execFile);
const WITHOUT_CURL = skipUnless(onPath('curl'), 'curl (apt-get install curl)');
const WITHOUT_REQUESTS = skipUnless(
  spawnSync('/usr/bin/python3', ['-c', 'import requests']).status === 0,
  "Debian's python3-requests (apt-get install python3-requests)",
);
const detections = ({ timingsMs: _, ...rest }: DetectResult) => rest;
/** Detections as the Open Inference outputs carry them: float32 numbers, masks as JSON. */
const asTensors = ({ instances }: ReturnType<typeof detections>) => ({
  labels: instances.map((instance) => instance.label),
  scores: Array.from(Float32Array.from(instances, (instance) => instance.score)),
  boxes: Array.from(Float32Array.from(instances.flatMap((instance) => instance.box))),
  masks: instances.map((instance) => instance.mask),
});

/**
 * The HTTP door with outside clients and alongside the ZeroMQ door:
 *
 *   curl --data-binary @photo.jpg /v1/getMask        → the composite
 *   python3 examples/http_client.py (plain requests)  → JSON, binary and /v1 calls
 *   ZeroMQ, HTTP and gRPC callers at once, 5 photos  → each gets its own photo's answer
 *   a caller that hangs up mid-call                   → counted lost; the server serves on
 */
describe('HTTP door: outside clients, and beside ZeroMQ and gRPC', () => {
  let server: VisionServer;
  let url: string;
  let zmq: VisionClient;
  let grpc: InferenceClient;
  let dir: string;

  before(async () => {
    // Room in the queue for every concurrent call below: none is to be refused.
    ({ server, url } = await startHttpServer({
      queueLimit: 32,
      grpc: { host: '127.0.0.1', port: 0 },
    }));
    zmq = new VisionClient({ endpoint: server.endpoint, timeoutMs: 60_000 });
    grpc = new InferenceClient(`127.0.0.1:${server.grpcPort}`);
    dir = await mkdtemp(join(tmpdir(), 'http-clients-'));
  });
  after(async () => {
    zmq.close();
    grpc.close();
    await server.close();
    await rm(dir, { recursive: true });
  });

  it('serves curl: the photo as the body, the composite saved', {
    skip: WITHOUT_CURL,
  }, async () => {
    const out = join(dir, 'composite.png');
    const { stdout } = await run('curl', [
      '-sS',
      '--fail-with-body',
      '--data-binary',
      `@${photo('000000000459.jpg')}`,
      '-H',
      'Content-Type: image/jpeg',
      '-o',
      out,
      '-w',
      '%{http_code} %{content_type}',
      `${url}/v1/getMask?format=png&classes=person`,
    ]);
    assert.equal(stdout, '200 image/png');
    const { format, width } = await sharp(out).metadata();
    assert.deepEqual(
      [format, width],
      ['png', (await sharp(photo('000000000459.jpg')).metadata()).width],
    );
    // A form upload, as `curl -F` sends it.
    const { stdout: json } = await run('curl', [
      '-sS',
      '--fail-with-body',
      '-F',
      `image=@${photo('000000000394.jpg')}`,
      `${url}/v1/detect?masks=false`,
    ]);
    assert.ok(
      (JSON.parse(json) as DetectResult).instances.some((instance) => instance.label === 'dog'),
    );
  });

  it('serves the README example in Python with plain requests', {
    skip: WITHOUT_REQUESTS,
  }, async () => {
    const out = join(dir, 'from-python.jpg');
    const { stdout } = await run('/usr/bin/python3', [
      `${REPO}examples/http_client.py`,
      url,
      photo('000000000034.jpg'),
      out,
    ]);
    const reply = JSON.parse(stdout);
    const expected = await zmq.detect(readFileSync(photo('000000000034.jpg')), { masks: false });
    assert.deepEqual(
      reply.labels,
      expected.instances.map((instance) => instance.label),
    );
    assert.deepEqual(
      reply.scores,
      expected.instances.map((instance) => Math.fround(instance.score)),
    );
    assert.equal(reply.getmask_type, 'image/jpeg');
    assert.ok(reply.getmask_bytes > 10_000);
    assert.equal((await readFile(out)).length, reply.composite_bytes);
    assert.equal((await sharp(out).metadata()).format, 'jpeg');
  });

  it('answers ZeroMQ, HTTP and gRPC callers at once, nothing lost or crossed', async () => {
    const files = Object.keys(SMOKE_IMAGES);
    const images = files.map((file) => readFileSync(photo(file)));
    const expected: ReturnType<typeof detections>[] = [];
    for (const image of images) expected.push(detections(await zmq.detect(image)));
    const viaGrpc = (image: Buffer) =>
      grpc.infer(imageRequest(image)).then((response) => {
        const outputs = decodeOutputs(response);
        return {
          labels: outputs.elements('labels').map(String),
          scores: outputs.numbers('scores'),
          boxes: outputs.numbers('boxes'),
          masks: outputs.elements('masks').map((mask) => JSON.parse(String(mask))),
        };
      });
    const viaHttp = (image: Buffer) =>
      fetch(`${url}/v1/detect`, {
        method: 'POST',
        body: image,
        headers: { 'content-type': 'image/jpeg' },
      }).then((response) => response.json() as Promise<DetectResult>);
    const calls = images.flatMap((image, i) =>
      [0, 1].flatMap(() => [
        zmq.detect(image).then((result) => [i, 'zmq', result] as const),
        viaHttp(image).then((result) => [i, 'http', result] as const),
      ]),
    );
    const grpcCalls = images.flatMap((image, i) =>
      [0, 1].map(() => viaGrpc(image).then((result) => [i, result] as const)),
    );
    const [results, grpcResults] = await Promise.all([Promise.all(calls), Promise.all(grpcCalls)]);
    assert.equal(results.length + grpcResults.length, images.length * 6);
    for (const [i, door, result] of results) {
      assert.deepEqual(detections(result), expected[i], `${files[i]} through ${door}`);
    }
    for (const [i, result] of grpcResults) {
      assert.deepEqual(result, asTensors(expected[i]), `${files[i]} through gRPC`);
    }
  });

  it('counts a caller that hangs up mid-call as lost, and serves on', async () => {
    // A 16-megapixel frame with every mask: long enough to hang up while it runs.
    const big = await sharp(photo('000000000034.jpg'))
      .resize(4000, 4000, { fit: 'fill' })
      .jpeg()
      .toBuffer();
    const lostBefore = (await zmq.info()).counters.abandoned.lostCaller;
    const call = request(`${url}/v1/detect?scoreThreshold=0`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg', 'content-length': big.length },
    });
    call.on('error', () => {}); // Hung up on purpose.
    call.end(big);
    const until = performance.now() + 20_000;
    while ((await zmq.info()).queue.running === 0 && performance.now() < until) await sleep(5);
    assert.equal((await zmq.info()).queue.running, 1, 'the call never started');
    call.destroy();
    while (
      (await zmq.info()).counters.abandoned.lostCaller === lostBefore &&
      performance.now() < until
    ) {
      await sleep(20);
    }
    assert.equal((await zmq.info()).counters.abandoned.lostCaller, lostBefore + 1);
    const next = await fetch(`${url}/v1/detect`, {
      method: 'POST',
      body: readFileSync(photo('000000000034.jpg')),
      headers: { 'content-type': 'image/jpeg' },
    });
    assert.equal(next.status, 200);
  });

  // Last: it stops the server.
  it('on shutdown, is no longer ready, answers new calls 503 ShuttingDown, and finishes the running one', async () => {
    const big = await sharp(photo('000000000034.jpg'))
      .resize(3000, 3000, { fit: 'fill' })
      .jpeg()
      .toBuffer();
    const running = fetch(`${url}/v1/detect?scoreThreshold=0`, {
      method: 'POST',
      body: big,
      headers: { 'content-type': 'image/jpeg' },
    });
    const until = performance.now() + 20_000;
    while ((await zmq.info()).queue.running === 0 && performance.now() < until) await sleep(5);
    const stopping = server.shutdown(30_000);
    assert.equal((await fetch(`${url}/v2/health/ready`)).status, 503);
    assert.equal((await fetch(`${url}/v2/health/live`)).status, 200);
    const refused = await fetch(`${url}/v1/detect`, {
      method: 'POST',
      body: readFileSync(photo('000000000034.jpg')),
      headers: { 'content-type': 'image/jpeg' },
    });
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.equal(((await refused.json()) as { error: string }).error, 'ShuttingDown');
    const finished = await running;
    assert.equal(finished.status, 200);
    assert.ok(((await finished.json()) as DetectResult).instances.length > 0);
    await stopping;
    await assert.rejects(fetch(`${url}/v2/health/live`));
  });
});
