import { Agent, request } from 'node:http';
import { VisionClient } from '@maskrcnn-zmq/shared';
import { InferenceClient, imageRequest } from '../../test/grpc-helpers.js';

/** A client of one of the server's doors, making the `getMask` call as that door's users do. */
export interface DoorCaller {
  door: string;
  getMask(jpeg: Uint8Array): Promise<unknown>;
  close(): void;
}

/** Room for a whole composite in flight: 16 MiB. */
const FLOW_CONTROL_WINDOW = 16 << 20;

/**
 * ModelInfer asking for the composite alone: the Open Inference Protocol's getMask. grpc-js
 * clients start from HTTP/2's 64 KiB window, so a 100 KB composite waits a round trip for more
 * (2–3 ms here); gRPC's C core (Python, Go, C++) grows its window by itself. The client is given
 * the window those have, so the figure is the door's cost rather than grpc-js's default.
 */
export function grpcCaller(port: number): DoorCaller {
  const client = new InferenceClient(`127.0.0.1:${port}`, undefined, {
    'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW,
  });
  const outputs = [{ name: 'composite' }];
  return {
    door: 'grpc',
    getMask: (jpeg) => client.infer(imageRequest(Buffer.from(jpeg), { outputs })),
    close: () => client.close(),
  };
}

/**
 * `POST /v1/getMask` with the image as the body, as curl or a web app sends it, over one
 * kept-alive connection. node:http rather than fetch, whose own cost (about 1.5 ms a call here)
 * would be counted against the door.
 */
export function httpCaller(url: string): DoorCaller {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const target = new URL('/v1/getMask', url);
  return {
    door: 'http',
    getMask: (jpeg) =>
      new Promise((resolve, reject) => {
        const call = request(
          target,
          {
            method: 'POST',
            agent,
            headers: { 'content-type': 'image/jpeg', 'content-length': jpeg.length },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => {
              const body = Buffer.concat(chunks);
              if (response.statusCode === 200) resolve(body);
              else reject(new Error(`HTTP ${response.statusCode}: ${body.toString()}`));
            });
          },
        );
        call.on('error', reject);
        call.end(jpeg);
      }),
    close: () => agent.destroy(),
  };
}

export function zmqCaller(endpoint: string): DoorCaller {
  const client = new VisionClient({ endpoint, timeoutMs: 60_000 });
  return {
    door: 'zmq',
    getMask: (jpeg) => client.getMask(jpeg),
    close: () => client.close(),
  };
}
