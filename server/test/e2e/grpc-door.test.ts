import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { status } from '@grpc/grpc-js';
import { VisionClient } from '@maskrcnn-zmq/shared';
import sharp from 'sharp';
import { Counters } from '../../src/ops/counters.js';
import type { VisionServer } from '../../src/server.js';
import {
  decodeOutputs,
  InferenceClient,
  imageRequest,
  type ModelInferResponse,
  statusOf,
} from '../grpc-helpers.js';
import { photo, SMOKE_IMAGES, startServer } from '../helpers.js';
import { bytesElement } from '../raw-layout.js';

const jpeg = readFileSync(photo('000000000034.jpg'));

/**
 * `serve --grpc`: the Open Inference Protocol's `inference.GRPCInferenceService` against the
 * real server and model, called by a client built from the repository's `.proto`:
 *
 *   client --ServerLive / ServerReady / ModelReady / ServerMetadata / ModelMetadata--> server
 *   client --ModelInfer {inputs: [image BYTES [1]], raw_input_contents: [jpeg]}--> server
 *   client <--{outputs: boxes, scores, class_ids, labels, masks; raw_output_contents}-- server
 *   (the same detections as ZeroMQ's detect on the same photo)
 */
describe('gRPC door', () => {
  let server: VisionServer;
  let client: InferenceClient;
  let zmq: VisionClient;
  let stopping: Promise<void> | undefined;
  const counters = new Counters();

  before(async () => {
    server = await startServer({ grpc: { host: '127.0.0.1', port: 0 }, counters });
    client = new InferenceClient(`127.0.0.1:${server.grpcPort}`);
    zmq = new VisionClient({ endpoint: server.endpoint, timeoutMs: 30_000 });
  });
  after(async () => {
    client.close();
    zmq.close();
    await (stopping ?? server.close());
  });

  it('says it is live and ready, and so is its one model', async () => {
    assert.deepEqual(await client.call('ServerLive', {}), { live: true });
    assert.deepEqual(await client.call('ServerReady', {}), { ready: true });
    assert.deepEqual(await client.call('ModelReady', { name: 'maskrcnn' }), { ready: true });
    assert.deepEqual(await client.call('ModelReady', { name: 'maskrcnn', version: '1' }), {
      ready: true,
    });
    assert.deepEqual(await client.call('ModelReady', { name: 'resnet50' }), { ready: false });
    assert.deepEqual(await client.call('ModelReady', { name: 'maskrcnn', version: '2' }), {
      ready: false,
    });
  });

  it('describes the server and the model signature', async () => {
    const serverMetadata = await client.call<{
      name: string;
      version: string;
      extensions: string[];
    }>('ServerMetadata', {});
    assert.equal(serverMetadata.name, 'maskrcnn-zmq');
    assert.equal(serverMetadata.version, (await zmq.info()).version);
    assert.deepEqual(serverMetadata.extensions, ['binary_tensor_data']);
    const model = await client.call<{
      name: string;
      versions: string[];
      platform: string;
      inputs: unknown[];
      outputs: unknown[];
    }>('ModelMetadata', { name: 'maskrcnn' });
    assert.equal(model.name, 'maskrcnn');
    assert.deepEqual(model.versions, ['1']);
    assert.match(model.platform, /^onnxruntime_onnx \(maskrcnn2go, cpu\)$/);
    // int64 shapes, as the client reads them: strings.
    assert.deepEqual(model.inputs, [{ name: 'image', datatype: 'BYTES', shape: ['1'] }]);
    assert.deepEqual(model.outputs, [
      { name: 'boxes', datatype: 'FP32', shape: ['-1', '4'] },
      { name: 'scores', datatype: 'FP32', shape: ['-1'] },
      { name: 'class_ids', datatype: 'INT32', shape: ['-1'] },
      { name: 'labels', datatype: 'BYTES', shape: ['-1'] },
      { name: 'masks', datatype: 'BYTES', shape: ['-1'] },
      { name: 'composite', datatype: 'BYTES', shape: ['1'] },
    ]);
  });

  it('finds what ZeroMQ detect finds in the same photo: boxes, scores, classes, labels, masks', async () => {
    const [response, detected] = await Promise.all([
      client.infer(imageRequest(jpeg, { id: 'zebra-1' })),
      zmq.detect(jpeg),
    ]);
    assert.equal(response.model_name, 'maskrcnn');
    assert.equal(response.model_version, '1');
    assert.equal(response.id, 'zebra-1');
    const outputs = decodeOutputs(response);
    assert.deepEqual(outputs.names, ['boxes', 'scores', 'class_ids', 'labels', 'masks']);
    const instances = detected.instances;
    const n = instances.length;
    assert.ok(n > 0);
    assert.deepEqual(outputs.shape('boxes'), [n, 4]);
    assert.deepEqual(outputs.shape('scores'), [n]);
    assert.deepEqual(
      outputs.numbers('boxes'),
      instances.flatMap((instance) => instance.box.map(Math.fround)),
    );
    assert.deepEqual(
      outputs.numbers('scores'),
      instances.map((instance) => Math.fround(instance.score)),
    );
    assert.deepEqual(
      outputs.numbers('class_ids'),
      instances.map((instance) => instance.classId),
    );
    assert.deepEqual(
      outputs.elements('labels').map(String),
      instances.map((instance) => instance.label),
    );
    assert.ok(instances.some((instance) => instance.label === 'zebra'));
    assert.deepEqual(
      outputs.elements('masks').map((mask) => JSON.parse(String(mask))),
      instances.map((instance) => instance.mask),
    );
  });

  it('reads the image from bytes_contents, and from raw contents in the length-prefixed layout, alike', async () => {
    const bare = await client.infer(imageRequest(jpeg));
    const prefixed = await client.infer({
      ...imageRequest(jpeg),
      raw_input_contents: [bytesElement(jpeg)],
    });
    const contents = await client.infer({
      model_name: 'maskrcnn',
      inputs: [
        { name: 'image', datatype: 'BYTES', shape: [1], contents: { bytes_contents: [jpeg] } },
      ],
    });
    const scores = (response: ModelInferResponse) => decodeOutputs(response).numbers('scores');
    assert.deepEqual(scores(prefixed), scores(bare));
    assert.deepEqual(scores(contents), scores(bare));
  });

  it('draws the composite when asked: a JPEG of the photo’s size', async () => {
    const response = await client.infer(
      imageRequest(jpeg, { outputs: [{ name: 'composite' }, { name: 'labels' }] }),
    );
    assert.deepEqual(
      response.outputs.map((output) => output.name),
      ['labels', 'composite'],
    );
    assert.deepEqual(response.outputs[1].shape, ['1']);
    const [composite] = decodeOutputs(response).elements('composite');
    const [input, output] = await Promise.all([
      sharp(jpeg).metadata(),
      sharp(composite).metadata(),
    ]);
    assert.equal(output.format, 'jpeg');
    assert.deepEqual([output.width, output.height], [input.width, input.height]);
  });

  it('takes the detect options as parameters of each type', async () => {
    const response = await client.infer(
      imageRequest(jpeg, {
        parameters: {
          score_threshold: { double_param: 0.5 },
          max_detections: { int64_param: 1 },
          classes: { string_param: 'zebra, person' },
          masks: { bool_param: false },
        },
      }),
    );
    const outputs = decodeOutputs(response);
    assert.ok(!outputs.names.includes('masks'), 'masks: false leaves the masks out');
    assert.deepEqual(outputs.elements('labels').map(String), ['zebra']);
    assert.ok(outputs.numbers('scores')[0] >= 0.5);
    // As a client built from KServe's .proto, which has no double_param, sends them.
    const asText = decodeOutputs(
      await client.infer(
        imageRequest(jpeg, {
          parameters: {
            score_threshold: { string_param: '0.9' },
            max_detections: { string_param: '1' },
            masks: { string_param: 'false' },
          },
        }),
      ),
    );
    assert.ok(!asText.names.includes('masks'));
    assert.equal(asText.numbers('scores').length, 1);
    assert.ok(asText.numbers('scores')[0] >= 0.9);
  });

  it('answers concurrent calls through gRPC and ZeroMQ each with its own photo’s detections', async () => {
    const photos = Object.keys(SMOKE_IMAGES).map((file) => ({
      file,
      bytes: readFileSync(photo(file)),
    }));
    const [viaGrpc, viaZmq] = await Promise.all([
      Promise.all(photos.map(({ file, bytes }) => client.infer(imageRequest(bytes, { id: file })))),
      Promise.all(photos.map(({ bytes }) => zmq.detect(bytes))),
    ]);
    photos.forEach(({ file }, index) => {
      assert.equal(viaGrpc[index].id, file);
      assert.deepEqual(
        decodeOutputs(viaGrpc[index]).numbers('scores'),
        viaZmq[index].instances.map((instance) => Math.fround(instance.score)),
        file,
      );
      assert.ok(
        decodeOutputs(viaGrpc[index])
          .elements('labels')
          .map(String)
          .includes(SMOKE_IMAGES[file as keyof typeof SMOKE_IMAGES]),
        file,
      );
    });
  });

  it('on shutdown says it is not ready, refuses new calls with UNAVAILABLE and answers the running one', async () => {
    // Every mask of a 49-megapixel frame: long enough to shut down while it runs.
    const big = await sharp(jpeg)
      .resize(7000, 7000, { fit: 'fill' })
      .jpeg({ quality: 20 })
      .toBuffer();
    const running = client.infer(
      imageRequest(big, { parameters: { score_threshold: { double_param: 0 } } }),
    );
    const jobsRunning = async () =>
      (await counters.registry.metrics()).includes('\nmaskrcnn_jobs_running 1\n');
    const until = performance.now() + 10_000;
    while (!(await jobsRunning()) && performance.now() < until) await sleep(2);
    assert.ok(await jobsRunning(), 'the large frame never started');

    stopping = server.shutdown(20_000);
    assert.deepEqual(await client.call('ServerReady', {}), { ready: false });
    assert.deepEqual(await client.call('ModelReady', { name: 'maskrcnn' }), { ready: false });
    const refused = await statusOf(client.infer(imageRequest(jpeg)));
    assert.deepEqual([status[refused.code], refused.name], ['UNAVAILABLE', 'ShuttingDown']);
    assert.ok((await running).outputs.length > 0);
    await stopping;
    const closed = await statusOf(client.call('ServerLive', {}, { deadlineMs: 2000 }));
    assert.equal(closed.code, status.UNAVAILABLE, closed.details);
  });
});
