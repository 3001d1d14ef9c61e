import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { deflateSync } from 'node:zlib';
import { status } from '@grpc/grpc-js';
import sharp from 'sharp';
import { png } from '../../bench/fuzz/hostile-images.js';
import { Counters } from '../../src/ops/counters.js';
import type { VisionServer } from '../../src/server.js';
import {
  InferenceClient,
  imageRequest,
  type ModelInferRequest,
  statusOf,
} from '../grpc-helpers.js';
import { photo, startServer } from '../helpers.js';

const jpeg = readFileSync(photo('000000000459.jpg'));
const MAX_MESSAGE_BYTES = 1024 * 1024;

/** The value of one sample in Prometheus text. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

const grpcCalls = (outcome: string) =>
  `maskrcnn_calls_total{door="grpc",method="ModelInfer",outcome="${outcome}"}`;

/**
 * Every way a gRPC call can fail, answered with the status code matching its wire error, the
 * name in the details and the `error-name` trailer; and the server serves on after each. The
 * server has a small queue (2, 1 per connection) and a 1 MiB request limit, to be reached.
 */
describe('gRPC door errors', () => {
  let server: VisionServer;
  let client: InferenceClient;
  const counters = new Counters();
  const address = () => `127.0.0.1:${server.grpcPort}`;

  before(async () => {
    server = await startServer({
      grpc: { host: '127.0.0.1', port: 0 },
      counters,
      queueLimit: 2,
      perPeerQueueLimit: 1,
      maxMessageBytes: MAX_MESSAGE_BYTES,
    });
    client = new InferenceClient(address());
  });
  after(async () => {
    client.close();
    await server.close();
  });

  /** Whether `count` jobs run now, or do within 10 s. */
  const jobsRunning = async (count: number) => {
    const running = async () => sample(await counters.registry.metrics(), 'maskrcnn_jobs_running');
    const until = performance.now() + 10_000;
    while ((await running()) !== count && performance.now() < until) await sleep(2);
    return (await running()) === count;
  };
  /** Every mask of a 49-megapixel frame (under the 1 MiB limit): work that takes a while. */
  const longCall = async () =>
    imageRequest(
      await sharp(jpeg).resize(7000, 7000, { fit: 'fill' }).jpeg({ quality: 20 }).toBuffer(),
      { parameters: { score_threshold: { double_param: 0 } } },
    );
  const image = (input: Partial<ModelInferRequest['inputs'][number]>): ModelInferRequest => ({
    ...imageRequest(jpeg),
    inputs: [{ name: 'image', datatype: 'BYTES', shape: [1], ...input }],
  });
  const cases: Array<[string, ModelInferRequest, status, string, RegExp]> = [
    [
      'bytes that are no image',
      imageRequest(Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251))),
      status.INVALID_ARGUMENT,
      'InvalidImage',
      /.+/,
    ],
    [
      'an empty image',
      imageRequest(Buffer.alloc(0)),
      status.INVALID_ARGUMENT,
      'InvalidImage',
      /empty/,
    ],
    [
      'a PNG claiming 30000×30000 pixels',
      imageRequest(png(30000, 30000, 2, deflateSync(Buffer.alloc(1024)))),
      status.RESOURCE_EXHAUSTED,
      'ImageTooLarge',
      /30000×30000/,
    ],
    [
      'an unknown parameter',
      imageRequest(jpeg, { parameters: { treshold: { double_param: 0.3 } } }),
      status.INVALID_ARGUMENT,
      'BadRequest',
      /Unknown option 'treshold'/,
    ],
    [
      'a score_threshold out of range',
      imageRequest(jpeg, { parameters: { score_threshold: { double_param: 2 } } }),
      status.INVALID_ARGUMENT,
      'BadRequest',
      /between 0 and 1/,
    ],
    [
      'a parameter without a value',
      imageRequest(jpeg, { parameters: { masks: {} } }),
      status.INVALID_ARGUMENT,
      'BadRequest',
      /Parameter 'masks' has no value/,
    ],
    [
      'an input of another name',
      image({ name: 'input_0' }),
      status.INVALID_ARGUMENT,
      'BadRequest',
      /named 'input_0'/,
    ],
    [
      'an input of another datatype',
      image({ datatype: 'UINT8' }),
      status.INVALID_ARGUMENT,
      'BadRequest',
      /datatype UINT8/,
    ],
    [
      'an input of another shape',
      image({ shape: [1, 1] }),
      status.INVALID_ARGUMENT,
      'BadRequest',
      /shape \[1, 1\]/,
    ],
    [
      'two raw contents for one input',
      { ...imageRequest(jpeg), raw_input_contents: [jpeg, jpeg] },
      status.INVALID_ARGUMENT,
      'BadRequest',
      /one raw_input_contents entry per input/,
    ],
    [
      'an unknown output',
      imageRequest(jpeg, { outputs: [{ name: 'keypoints' }] }),
      status.INVALID_ARGUMENT,
      'BadRequest',
      /Unknown output 'keypoints'/,
    ],
    [
      'an unknown model',
      { ...imageRequest(jpeg), model_name: 'resnet50' },
      status.NOT_FOUND,
      'NotFound',
      /no model 'resnet50'; this server serves 'maskrcnn' version '1'/,
    ],
  ];
  for (const [what, request, code, name, details] of cases) {
    it(`answers ${what} with ${status[code]} (${name})`, async () => {
      const answer = await statusOf(client.infer(request));
      assert.deepEqual([status[answer.code], answer.name], [status[code], name], answer.details);
      assert.match(answer.details, new RegExp(`^${name}: `));
      assert.match(answer.details, details);
    });
  }

  it('answers ModelMetadata of an unknown model with NOT_FOUND', async () => {
    const answer = await statusOf(client.call('ModelMetadata', { name: 'resnet50' }));
    assert.equal(answer.code, status.NOT_FOUND);
    assert.equal(answer.name, 'NotFound');
  });

  it('refuses a message over the limit with RESOURCE_EXHAUSTED before reading it, and serves on', async () => {
    const huge = Buffer.concat([jpeg, Buffer.alloc(MAX_MESSAGE_BYTES + 128 * 1024)]);
    const answer = await statusOf(client.infer(imageRequest(huge)));
    assert.equal(answer.code, status.RESOURCE_EXHAUSTED, answer.details);
    assert.ok((await client.infer(imageRequest(jpeg))).outputs.length > 0);
  });

  it('answers UNAVAILABLE (Overloaded) once the queue is full, and serves the rest', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, () =>
        client.infer(imageRequest(jpeg)).then(
          () => 'ok',
          (error) => `${status[error.code]} ${error.metadata.get('error-name')[0]}`,
        ),
      ),
    );
    assert.ok(outcomes.includes('UNAVAILABLE Overloaded'), outcomes.join(', '));
    assert.ok(outcomes.includes('ok'), outcomes.join(', '));
    assert.deepEqual(
      outcomes.filter((outcome) => outcome !== 'ok' && outcome !== 'UNAVAILABLE Overloaded'),
      [],
    );
  });

  it('honours the call’s gRPC deadline: DEADLINE_EXCEEDED, counted as expired', async () => {
    const before = sample(await counters.registry.metrics(), grpcCalls('expired'));
    const answer = await statusOf(client.infer(await longCall(), { deadlineMs: 100 }));
    assert.equal(answer.code, status.DEADLINE_EXCEEDED, answer.details);
    assert.ok(await jobsRunning(0), 'the expired job was not dropped');
    const text = await counters.registry.metrics();
    assert.equal(sample(text, grpcCalls('expired')), before + 1);
    assert.equal(counters.snapshot().abandoned.deadline, 1);
    assert.equal(sample(text, grpcCalls('lost')), 0);
  });

  it('drops the work of a caller that cancels mid-call, counts it lost, and serves on', async () => {
    const cancel = new AbortController();
    const call = statusOf(client.infer(await longCall(), { signal: cancel.signal }));
    assert.ok(await jobsRunning(1), 'the large frame never started');
    cancel.abort();
    assert.equal((await call).code, status.CANCELLED);
    assert.ok(await jobsRunning(0), 'the cancelled job was not dropped');
    assert.equal(counters.snapshot().abandoned.lostCaller, 1);
    assert.equal(sample(await counters.registry.metrics(), grpcCalls('lost')), 1);
    assert.ok((await client.infer(imageRequest(jpeg))).outputs.length > 0);
  });

  it('counts each answered call by door, method and outcome', async () => {
    const text = await counters.registry.metrics();
    assert.ok(sample(text, grpcCalls('ok')) >= 3);
    assert.equal(sample(text, grpcCalls('InvalidImage')), 2);
    assert.equal(sample(text, grpcCalls('ImageTooLarge')), 1);
    assert.equal(sample(text, grpcCalls('NotFound')), 1);
    assert.ok(sample(text, grpcCalls('Overloaded')) >= 1);
  });
});
