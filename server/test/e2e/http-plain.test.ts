import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { type DetectResult, VisionClient } from '@maskrcnn-zmq/shared';
import sharp from 'sharp';
import { png } from '../../bench/fuzz/hostile-images.js';
import type { VisionServer } from '../../src/server.js';
import { photo } from '../helpers.js';
import { startHttpServer } from './http-support.js';

const jpeg = readFileSync(photo('000000000034.jpg'));
const LIMIT_BYTES = 2 * 1024 * 1024;

/** The detections without their timings, which differ from call to call. */
const detections = ({ timingsMs: _, ...rest }: DetectResult) => rest;

/**
 * The plain endpoints, for curl and web apps, and the status each error maps to:
 *
 *   POST /v1/getMask  body image/jpeg | multipart file  → 200 image/jpeg (or png)
 *   POST /v1/detect   the same                          → 200 the ZeroMQ detect JSON
 *   errors → {error: Name, message}: 400 InvalidImage/BadRequest, 413 ImageTooLarge and
 *   bodies over --max-message-mb, 415, 404, 503 + Retry-After when the queue is full, 504
 */
describe('HTTP door: plain endpoints', () => {
  let server: VisionServer;
  let url: string;
  let zmq: VisionClient;

  before(async () => {
    // A small queue, so that a flood finds it full; a small message limit, so a body can pass it.
    ({ server, url } = await startHttpServer({
      queueLimit: 2,
      perPeerQueueLimit: 2,
      maxMessageBytes: LIMIT_BYTES,
    }));
    zmq = new VisionClient({ endpoint: server.endpoint, timeoutMs: 30_000 });
  });
  after(async () => {
    zmq.close();
    await server.close();
  });

  const post = (path: string, body: Uint8Array | FormData | string, type?: string) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      body,
      headers: type ? { 'content-type': type } : {},
    });
  const form = (bytes: Uint8Array, name = 'photo.jpg') => {
    const data = new FormData();
    data.append('image', new Blob([bytes], { type: 'image/jpeg' }), name);
    return data;
  };

  it('answers getMask with the composite, the image as the body or as a form file', async () => {
    const { width, height } = await sharp(jpeg).metadata();
    for (const [body, type] of [
      [jpeg, 'image/jpeg'],
      [form(jpeg), undefined],
    ] as const) {
      const response = await post('/v1/getMask', body, type);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'image/jpeg');
      const composite = Buffer.from(await response.arrayBuffer());
      assert.deepEqual(
        [(await sharp(composite).metadata()).width, (await sharp(composite).metadata()).height],
        [width, height],
      );
    }
    const asPng = await post('/v1/getMask?format=png&scoreThreshold=0.9', jpeg, 'image/jpeg');
    assert.equal(asPng.headers.get('content-type'), 'image/png');
    assert.equal((await sharp(Buffer.from(await asPng.arrayBuffer())).metadata()).format, 'png');
  });

  it('answers detect with the JSON of ZeroMQ detect, options from the query', async () => {
    const response = await post('/v1/detect', jpeg, 'image/jpeg');
    assert.equal(response.status, 200);
    const http = (await response.json()) as DetectResult;
    assert.deepEqual(detections(http), detections(await zmq.detect(jpeg)));

    const options = {
      scoreThreshold: 0.3,
      maxDetections: 2,
      masks: false,
      classes: ['zebra', 'person'],
    };
    const expected = detections(await zmq.detect(jpeg, options));
    for (const query of [
      'scoreThreshold=0.3&maxDetections=2&masks=false&classes=zebra,person',
      'scoreThreshold=0.3&maxDetections=2&masks=false&classes=zebra&classes=person',
    ]) {
      const viaForm = (await (
        await post(`/v1/detect?${query}`, form(jpeg))
      ).json()) as DetectResult;
      assert.deepEqual(detections(viaForm), expected, query);
    }
  });

  it('maps each error to its status with {error, message}', async () => {
    const huge = png(30000, 30000, 2, deflateSync(Buffer.alloc(1024)));
    const overLimit = Buffer.concat([jpeg, Buffer.alloc(LIMIT_BYTES)]);
    const cases: Array<[string, () => Promise<Response>, number, string, RegExp]> = [
      [
        'not an image',
        () => post('/v1/getMask', Buffer.from('%PDF-1.4 not a photo'), 'image/jpeg'),
        400,
        'InvalidImage',
        /not JPEG, PNG or WebP/,
      ],
      [
        'an empty body',
        () => post('/v1/detect', new Uint8Array(0), 'image/png'),
        400,
        'InvalidImage',
        /empty/,
      ],
      [
        '30000×30000 declared',
        () => post('/v1/detect', huge, 'image/png'),
        413,
        'ImageTooLarge',
        /30000×30000/,
      ],
      [
        'a body over the limit',
        () => post('/v1/getMask', overLimit, 'image/jpeg'),
        413,
        'RequestTooLarge',
        new RegExp(`${LIMIT_BYTES} bytes`),
      ],
      [
        'a form file over the limit',
        () => post('/v1/getMask', form(overLimit)),
        413,
        'RequestTooLarge',
        /--max-message-mb/,
      ],
      [
        'a form without a file',
        () => post('/v1/detect', new FormData()),
        400,
        'BadRequest',
        /no file/,
      ],
      [
        'an unknown option',
        () => post('/v1/getMask?treshold=0.5', jpeg, 'image/jpeg'),
        400,
        'BadRequest',
        /Unknown option 'treshold'/,
      ],
      [
        'an option another method has',
        () => post('/v1/detect?format=png', jpeg, 'image/jpeg'),
        400,
        'BadRequest',
        /Unknown option 'format'/,
      ],
      [
        'a number that is not',
        () => post('/v1/detect?scoreThreshold=high', jpeg, 'image/jpeg'),
        400,
        'BadRequest',
        /scoreThreshold must be number/,
      ],
      [
        'a number out of range',
        () => post('/v1/getMask?quality=0', jpeg, 'image/jpeg'),
        400,
        'BadRequest',
        /quality/,
      ],
      [
        'an unknown class',
        () => post('/v1/detect?classes=zebar', jpeg, 'image/jpeg'),
        400,
        'BadRequest',
        /zebar/,
      ],
      [
        'a 1 ms deadline',
        () => post('/v1/getMask?timeoutMs=1', jpeg, 'image/jpeg'),
        504,
        'DeadlineExceeded',
        /timeout of 1 ms/,
      ],
      [
        'a text body',
        () => post('/v1/getMask', 'aGVsbG8=', 'text/plain'),
        415,
        'UnsupportedMediaType',
        /text\/plain/,
      ],
      ['no body', () => post('/v1/detect', ''), 415, 'UnsupportedMediaType', /image\/jpeg/],
      [
        'a route that is not',
        () => post('/v1/segment', jpeg, 'image/jpeg'),
        404,
        'NotFound',
        /POST \/v1\/segment/,
      ],
    ];
    for (const [what, send, status, name, message] of cases) {
      const response = await send();
      const body = (await response.json()) as { error: string; message: string };
      assert.equal(response.status, status, `${what}: ${JSON.stringify(body)}`);
      assert.equal(body.error, name, what);
      assert.match(body.message, message, what);
    }
    assert.equal((await post('/v1/detect', jpeg, 'image/jpeg')).status, 200);
  });

  it('answers a flood past the queue with 503 Overloaded and Retry-After, and serves the rest', async () => {
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => post('/v1/getMask', jpeg, 'image/jpeg')),
    );
    const overloaded = responses.filter((response) => response.status === 503);
    assert.ok(overloaded.length >= 1, responses.map((response) => response.status).join(', '));
    assert.ok(responses.every((response) => [200, 503].includes(response.status)));
    for (const response of overloaded) {
      assert.equal(response.headers.get('retry-after'), '1');
      assert.equal(((await response.json()) as { error: string }).error, 'Overloaded');
    }
    assert.equal((await post('/v1/getMask', jpeg, 'image/jpeg')).status, 200);
  });
});
