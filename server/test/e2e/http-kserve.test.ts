import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type DetectResult, VisionClient } from '@maskrcnn-zmq/shared';
import sharp from 'sharp';
import type { VisionServer } from '../../src/server.js';
import { photo } from '../helpers.js';
import { bytesElement, bytesElements } from '../raw-layout.js';
import { binaryInfer, type ReplyOutput, readBinaryReply, startHttpServer } from './http-support.js';

const jpeg = readFileSync(photo('000000000034.jpg'));

/** The fields the metadata routes answer with, loosely. */
interface Metadata {
  name?: string;
  error?: string;
  extensions?: string[];
  inputs?: ReplyOutput[];
  outputs?: ReplyOutput[];
}

/**
 * The Open Inference Protocol (KServe v2) over REST, against the real model, checked against
 * what the ZeroMQ door's `detect` says of the same photo:
 *
 *   GET  /v2/health/live|ready, /v2, /v2/models/maskrcnn[/versions/1][/ready]
 *   POST /v2/models/maskrcnn/infer   JSON (image as base64)       → JSON tensors
 *   POST …/infer  Inference-Header-Content-Length: N, JSON ‖ [len][jpeg] → JSON ‖ binary tensors
 *   malformed binary layouts → 400, and the next call is served
 */
describe('HTTP door: Open Inference REST', () => {
  let server: VisionServer;
  let url: string;
  let zmq: VisionClient;
  let expected: DetectResult;

  before(async () => {
    ({ server, url } = await startHttpServer());
    zmq = new VisionClient({ endpoint: server.endpoint, timeoutMs: 30_000 });
    expected = await zmq.detect(jpeg);
    assert.ok(expected.instances.length > 0);
  });
  after(async () => {
    zmq.close();
    await server.close();
  });

  const infer = (body: Buffer | string, headers: Record<string, string>) =>
    fetch(`${url}/v2/models/maskrcnn/infer`, { method: 'POST', body, headers });
  const inferJson = (request: object) =>
    infer(JSON.stringify(request), { 'content-type': 'application/json' });
  const imageInput = {
    name: 'image',
    datatype: 'BYTES',
    shape: [1],
    data: [jpeg.toString('base64')],
  };

  /** The detections as tensors, laid out as the signature says, from ZeroMQ's detect. */
  function expectedTensors() {
    const { instances } = expected;
    return {
      boxes: Array.from(Float32Array.from(instances.flatMap((instance) => instance.box))),
      scores: Array.from(Float32Array.from(instances, (instance) => instance.score)),
      class_ids: instances.map((instance) => instance.classId),
      labels: instances.map((instance) => instance.label),
      masks: instances.map((instance) => instance.mask),
    };
  }

  it('answers health, server and model metadata, and 404 for a model it does not have', async () => {
    const get = async (path: string) => {
      const response = await fetch(`${url}${path}`);
      return { status: response.status, body: (await response.json()) as Metadata };
    };
    assert.deepEqual(await get('/v2/health/live'), { status: 200, body: { live: true } });
    assert.deepEqual(await get('/v2/health/ready'), { status: 200, body: { ready: true } });
    const metadata = await get('/v2');
    assert.equal(metadata.body.name, 'maskrcnn-zmq');
    assert.deepEqual(metadata.body.extensions, ['binary_tensor_data']);
    for (const path of ['/v2/models/maskrcnn', '/v2/models/maskrcnn/versions/1']) {
      const model = await get(path);
      assert.equal(model.status, 200);
      assert.deepEqual(model.body.inputs, [{ name: 'image', datatype: 'BYTES', shape: [1] }]);
      assert.deepEqual(
        model.body.outputs?.map(
          (output: ReplyOutput) => `${output.name} ${output.datatype} [${output.shape}]`,
        ),
        [
          'boxes FP32 [-1,4]',
          'scores FP32 [-1]',
          'class_ids INT32 [-1]',
          'labels BYTES [-1]',
          'masks BYTES [-1]',
          'composite BYTES [1]',
        ],
      );
    }
    assert.deepEqual(await get('/v2/models/maskrcnn/ready'), {
      status: 200,
      body: { name: 'maskrcnn', ready: true },
    });
    for (const path of [
      '/v2/models/yolo',
      '/v2/models/maskrcnn/versions/2',
      '/v2/models/yolo/ready',
    ]) {
      const missing = await get(path);
      assert.equal(missing.status, 404, path);
      assert.match(missing.body.error ?? '', /^NotFound: no model/);
    }
    const infer404 = await inferJson({ inputs: [imageInput] }).then((response) => response.status);
    assert.equal(infer404, 200);
    const otherModel = await fetch(`${url}/v2/models/yolo/infer`, { method: 'POST', body: '{}' });
    assert.equal(otherModel.status, 404);
  });

  it('infers from JSON with the image as base64, the same detections as ZeroMQ detect', async () => {
    const response = await inferJson({ id: 'zebra-1', inputs: [imageInput] });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    const reply = (await response.json()) as {
      id: string;
      model_name: string;
      outputs: ReplyOutput[];
    };
    assert.equal(reply.id, 'zebra-1');
    assert.equal(reply.model_name, 'maskrcnn');
    const n = expected.instances.length;
    const tensors = expectedTensors();
    const byName = new Map(reply.outputs.map((output) => [output.name, output]));
    assert.deepEqual([...byName.keys()], ['boxes', 'scores', 'class_ids', 'labels', 'masks']);
    assert.deepEqual(byName.get('boxes')?.shape, [n, 4]);
    assert.deepEqual(byName.get('boxes')?.data, tensors.boxes);
    assert.deepEqual(byName.get('scores')?.data, tensors.scores);
    assert.deepEqual(byName.get('class_ids')?.data, tensors.class_ids);
    assert.deepEqual(byName.get('labels')?.data, tensors.labels);
    assert.deepEqual(
      byName.get('masks')?.data?.map((mask) => JSON.parse(mask as string)),
      tensors.masks,
    );
  });

  it('infers with binary data both ways: tensors as raw little-endian bytes, the composite as a JPEG', async () => {
    const { body, headers } = binaryInfer(jpeg, {
      outputs: ['boxes', 'scores', 'class_ids', 'labels', 'masks', 'composite'].map((name) => ({
        name,
      })),
      parameters: { binary_data_output: true },
    });
    const response = await infer(body, headers);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/octet-stream');
    const { json, binary } = await readBinaryReply(response);
    const n = expected.instances.length;
    const tensors = expectedTensors();
    assert.deepEqual(
      json.outputs.map((output) => [output.name, output.shape, output.data]),
      [
        ['boxes', [n, 4], undefined],
        ['scores', [n], undefined],
        ['class_ids', [n], undefined],
        ['labels', [n], undefined],
        ['masks', [n], undefined],
        ['composite', [1], undefined],
      ],
    );
    const floats = (bytes: Buffer) =>
      Array.from(
        new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)),
      );
    assert.deepEqual(floats(binary.get('boxes')!), tensors.boxes);
    assert.deepEqual(floats(binary.get('scores')!), tensors.scores);
    const ids = binary.get('class_ids')!;
    assert.deepEqual(
      Array.from({ length: n }, (_, i) => ids.readInt32LE(4 * i)),
      tensors.class_ids,
    );
    assert.deepEqual(bytesElements(binary.get('labels')!).map(String), tensors.labels);
    assert.deepEqual(
      bytesElements(binary.get('masks')!).map((mask) => JSON.parse(String(mask))),
      tensors.masks,
    );
    const [composite] = bytesElements(binary.get('composite')!);
    const { format, width, height } = await sharp(composite).metadata();
    assert.deepEqual([format, width, height], ['jpeg', expected.width, expected.height]);
  });

  it('sends binary only the outputs that ask for it, JSON the others; parameters reach detect', async () => {
    const { body, headers } = binaryInfer(jpeg, {
      outputs: [{ name: 'labels' }, { name: 'composite', parameters: { binary_data: true } }],
      parameters: { score_threshold: 0.99, classes: 'zebra, person', masks: false },
    });
    const { json, binary } = await readBinaryReply(await infer(body, headers));
    const strong = expected.instances.filter((instance) => instance.score >= 0.99);
    assert.deepEqual(json.outputs[0], {
      name: 'labels',
      datatype: 'BYTES',
      shape: [strong.length],
      data: strong.map((instance) => instance.label),
    });
    assert.deepEqual([...binary.keys()], ['composite']);
    assert.equal(
      (await sharp(bytesElements(binary.get('composite')!)[0]).metadata()).width,
      expected.width,
    );
  });

  it('refuses malformed binary layouts with 400 and serves the next call', async () => {
    const good = binaryInfer(jpeg);
    const header = good.headers['inference-header-content-length'];
    const elementSize = bytesElement(jpeg).length;
    const withHeader = (value: string) => ({
      ...good.headers,
      'inference-header-content-length': value,
    });
    const declaring = (size: number, element = bytesElement(jpeg)) => {
      const json = Buffer.from(
        JSON.stringify({
          inputs: [
            {
              name: 'image',
              datatype: 'BYTES',
              shape: [1],
              parameters: { binary_data_size: size },
            },
          ],
        }),
      );
      return [Buffer.concat([json, element]), withHeader(String(json.length))] as const;
    };
    const truncatedElement = Buffer.concat([
      bytesElement(jpeg).subarray(0, 4),
      jpeg.subarray(0, 100),
    ]);
    const cases: Array<[string, Buffer, Record<string, string>, RegExp]> = [
      [
        'a header length past the body',
        good.body,
        withHeader(String(good.body.length + 1)),
        /Inference-Header-Content-Length/,
      ],
      ['a negative header length', good.body, withHeader('-5'), /Inference-Header-Content-Length/],
      [
        'a header length that is no number',
        good.body,
        withHeader('lots'),
        /Inference-Header-Content-Length/,
      ],
      [
        'a header length cutting the JSON',
        good.body,
        withHeader(String(Number(header) - 3)),
        /not JSON/,
      ],
      [
        'sizes adding up to less than follows',
        ...declaring(elementSize - 10),
        /declare \d+ bytes.*follow/,
      ],
      [
        'sizes adding up to more than follows',
        ...declaring(elementSize + 10),
        /declare \d+ bytes.*follow/,
      ],
      ['a negative binary_data_size', ...declaring(-1), /binary_data_size/],
      // Lengths that do not add up make the one element the bare bytes, as a hand-written client
      // sends an image (binary-data.ts); these are no image.
      [
        'an element length past its tensor',
        ...declaring(truncatedElement.length, truncatedElement),
        /^InvalidImage: image is not JPEG, PNG or WebP/,
      ],
      [
        'no JSON at all',
        Buffer.from([0xff, 0xd8, 0xff]),
        { 'content-type': 'application/octet-stream' },
        /not JSON/,
      ],
    ];
    for (const [what, body, headers, message] of cases) {
      const response = await infer(body, headers);
      const reply = (await response.json()) as { error: string };
      assert.equal(response.status, 400, what);
      assert.match(reply.error, /^(BadRequest|InvalidImage): /, what);
      assert.match(reply.error, message, `${what}: ${reply.error}`);
    }
    assert.equal((await infer(good.body, good.headers)).status, 200);
  });

  it('maps the errors of detect: bad image 400, unknown parameter or output 400, a missed deadline 504', async () => {
    const cases: Array<[string, object, number, RegExp]> = [
      [
        'not an image',
        {
          inputs: [
            { ...imageInput, data: [Buffer.from('no image here at all').toString('base64')] },
          ],
        },
        400,
        /^InvalidImage: /,
      ],
      [
        'an unknown parameter',
        { inputs: [imageInput], parameters: { treshold: 0.5 } },
        400,
        /^BadRequest: Unknown option 'treshold'/,
      ],
      [
        'a parameter out of range',
        { inputs: [imageInput], parameters: { score_threshold: 2 } },
        400,
        /^BadRequest: .*scoreThreshold/,
      ],
      [
        'an unknown output',
        { inputs: [imageInput], outputs: [{ name: 'heatmap' }] },
        400,
        /^BadRequest: Unknown output 'heatmap'/,
      ],
      ['two inputs', { inputs: [imageInput, imageInput] }, 400, /^BadRequest: .*2 inputs/],
      [
        'a FP32 input',
        { inputs: [{ ...imageInput, datatype: 'FP32' }] },
        400,
        /^BadRequest: .*FP32/,
      ],
      ['inputs missing', {}, 400, /^BadRequest: Expected an array for inputs/],
      [
        'a 1 ms deadline',
        { inputs: [imageInput], parameters: { timeout_ms: 1 } },
        504,
        /^DeadlineExceeded: /,
      ],
    ];
    for (const [what, request, status, message] of cases) {
      const response = await inferJson(request);
      const reply = (await response.json()) as { error: string };
      assert.equal(response.status, status, `${what}: ${reply.error}`);
      assert.match(reply.error, message, what);
    }
  });
});
