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

/** `POST /v1/getMask` with the image as the body, as curl or a web app sends it. */
export function httpCaller(url: string): DoorCaller {
  return {
    door: 'http',
    async getMask(jpeg) {
      const response = await fetch(`${url}/v1/getMask`, {
        method: 'POST',
        body: jpeg,
        headers: { 'content-type': 'image/jpeg' },
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      return new Uint8Array(await response.arrayBuffer());
    },
    close: () => {},
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
