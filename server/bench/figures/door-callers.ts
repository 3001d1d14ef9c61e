import { VisionClient } from '@maskrcnn-zmq/shared';
import { InferenceClient, imageRequest } from '../../test/grpc-helpers.js';

/** A client of one of the server's doors, making the `getMask` call as that door's users do. */
export interface DoorCaller {
  door: string;
  getMask(jpeg: Uint8Array): Promise<unknown>;
  close(): void;
}

/** ModelInfer asking for the composite alone: the Open Inference Protocol's getMask. */
export function grpcCaller(port: number): DoorCaller {
  const client = new InferenceClient(`127.0.0.1:${port}`);
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
