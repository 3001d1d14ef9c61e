import { VisionClient } from '@maskrcnn-zmq/shared';

/** A client of one of the server's doors, making the `getMask` call as that door's users do. */
export interface DoorCaller {
  door: string;
  getMask(jpeg: Uint8Array): Promise<unknown>;
  close(): void;
}

export function zmqCaller(endpoint: string): DoorCaller {
  const client = new VisionClient({ endpoint, timeoutMs: 60_000 });
  return {
    door: 'zmq',
    getMask: (jpeg) => client.getMask(jpeg),
    close: () => client.close(),
  };
}
