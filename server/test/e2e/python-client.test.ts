import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { VisionServer } from '../../src/server.js';
import { photo, pythonCall, SMOKE_IMAGES, startServer, WITHOUT_PYTHON } from '../helpers.js';

/**
 * An unmodified zerorpc-style Python caller (bin ids, 5 s beats, base64 text in, msgpack's
 * strict defaults) against the real server and model.
 */
describe('python zerorpc client', { skip: WITHOUT_PYTHON }, () => {
  let server: VisionServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server.close());

  it('gets a decodable JPEG composite of the input size from getMask, as base64 text', async () => {
    const image = photo('000000000034.jpg');
    const reply = await pythonCall(server.endpoint, 'getMask', [], { image });
    assert.equal(reply.err, undefined, JSON.stringify(reply.err));
    // base64 text sent as bytes comes back as base64 text in bytes.
    const text = Buffer.from((reply.ok as { base64: string }).base64, 'base64').toString('latin1');
    const composite = Buffer.from(text, 'base64');
    const [input, output] = await Promise.all([
      sharp(image).metadata(),
      sharp(composite).metadata(),
    ]);
    assert.equal(output.format, 'jpeg');
    assert.deepEqual([output.width, output.height], [input.width, input.height]);
  });

  for (const [file, label] of Object.entries(SMOKE_IMAGES)) {
    it(`detect names the ${label} in ${file}`, async () => {
      const reply = await pythonCall(server.endpoint, 'detect', [], { image: photo(file) });
      assert.equal(reply.err, undefined, JSON.stringify(reply.err));
      const result = reply.ok as {
        instances: Array<{ label: string; score: number; mask: { counts: string } }>;
      };
      const labels = result.instances.map((instance) => instance.label);
      assert.ok(labels.includes(label), `found ${labels.join(', ')}`);
      assert.equal(typeof result.instances[0].mask.counts, 'string');
    });
  }

  it('answers the zerorpc built-ins, _zerorpc_inspect included', async () => {
    const inspect = (await pythonCall(server.endpoint, '_zerorpc_inspect', [])).ok as {
      name: string;
      methods: Record<string, { args: Array<{ name: string }>; doc: string }>;
    };
    assert.equal(inspect.name, 'maskrcnn-zmq');
    assert.deepEqual(Object.keys(inspect.methods).sort(), ['detect', 'getMask', 'info']);
    assert.deepEqual(
      inspect.methods.getMask.args.map((arg) => arg.name),
      ['image', 'options'],
    );
    assert.match(inspect.methods.detect.doc, /COCO compressed RLE/);
    assert.deepEqual((await pythonCall(server.endpoint, '_zerorpc_ping', [])).ok, [
      'pong',
      'maskrcnn-zmq',
    ]);
    assert.deepEqual((await pythonCall(server.endpoint, '_zerorpc_list', [])).ok, [
      'getMask',
      'detect',
      'info',
    ]);
    // getargspec's (args, varargs, keywords, defaults), which `zerorpc --inspect` formats as
    // detect(image, options=None).
    assert.deepEqual((await pythonCall(server.endpoint, '_zerorpc_args', ['detect'])).ok, [
      ['image', 'options'],
      null,
      null,
      [null],
    ]);
    assert.match(
      (await pythonCall(server.endpoint, '_zerorpc_help', ['getMask'])).ok as string,
      /^getMask\(image/,
    );
  });

  it('reports the model and queue from info()', async () => {
    const info = (await pythonCall(server.endpoint, 'info', [])).ok as {
      model: { name: string; classes: string[] };
      executionProvider: string;
      queue: { limit: number };
    };
    assert.equal(info.model.name, 'maskrcnn2go');
    assert.equal(info.model.classes.length, 80);
    assert.equal(info.model.classes[0], 'person');
    assert.equal(info.executionProvider, 'cpu');
    assert.equal(info.queue.limit, 16);
  });
});
