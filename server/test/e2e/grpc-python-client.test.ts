import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { VisionClient } from '@maskrcnn-zmq/shared';
import sharp from 'sharp';
import { PROTO_FILE } from '../../src/doors/grpc/service-definition.js';
import { photo, REPO, skipUnless, startServer } from '../helpers.js';

const run = promisify(execFile);

/**
 * An outside client: Debian's Python grpcio with stubs that grpc_tools generates from the
 * repository's `.proto`, running the README's example (`examples/grpc_client.py`):
 *
 *   protoc grpc_service.proto → grpc_service_pb2.py, grpc_service_pb2_grpc.py
 *   python --ServerReady, ModelMetadata, ModelInfer (raw_input_contents: [jpeg])--> server
 *   python <--detections, composite-- server      (the same as ZeroMQ detect finds)
 */
describe('gRPC door from Python grpcio', {
  skip: skipUnless(
    spawnSync('/usr/bin/python3', ['-c', 'import grpc, grpc_tools.protoc']).status === 0,
    "Debian's python3-grpcio and python3-grpc-tools (apt-get install python3-grpcio python3-grpc-tools)",
  ),
}, () => {
  it('runs the README example on a coco128 photo and finds what ZeroMQ detect finds', async () => {
    const image = photo('000000000034.jpg');
    const stubs = await mkdtemp(join(tmpdir(), 'grpc-stubs-'));
    const server = await startServer({ grpc: { host: '127.0.0.1', port: 0 } });
    const zmq = new VisionClient({ endpoint: server.endpoint, timeoutMs: 30_000 });
    try {
      await run('/usr/bin/python3', [
        '-m',
        'grpc_tools.protoc',
        `-I${dirname(PROTO_FILE)}`,
        `--python_out=${stubs}`,
        `--grpc_python_out=${stubs}`,
        'grpc_service.proto',
      ]);
      const composite = join(stubs, 'composite.jpg');
      const { stdout } = await run(
        '/usr/bin/python3',
        [
          `${REPO}examples/grpc_client.py`,
          image,
          '--address',
          `127.0.0.1:${server.grpcPort}`,
          '--composite',
          composite,
        ],
        { env: { ...process.env, PYTHONPATH: stubs }, timeout: 60_000 },
      );
      const printed = JSON.parse(stdout) as {
        ready: boolean;
        inputs: unknown[];
        outputs: string[];
        id: string;
        detections: { label: string; score: number; box: number[] }[];
      };
      assert.equal(printed.ready, true);
      assert.deepEqual(printed.inputs, [{ name: 'image', datatype: 'BYTES', shape: [1] }]);
      assert.deepEqual(printed.outputs, [
        'boxes',
        'scores',
        'class_ids',
        'labels',
        'masks',
        'composite',
      ]);
      assert.equal(printed.id, 'example-1');

      const { instances } = await zmq.detect(readFileSync(image), { masks: false });
      assert.deepEqual(
        printed.detections,
        instances.map((instance) => ({
          label: instance.label,
          score: Math.fround(instance.score),
          box: instance.box.map(Math.fround),
        })),
      );
      assert.ok(printed.detections.some((detection) => detection.label === 'zebra'));

      const [input, output] = await Promise.all([
        sharp(image).metadata(),
        sharp(composite).metadata(),
      ]);
      assert.equal(output.format, 'jpeg');
      assert.deepEqual([output.width, output.height], [input.width, input.height]);
    } finally {
      zmq.close();
      await server.close();
      await rm(stubs, { recursive: true });
    }
  });
});
