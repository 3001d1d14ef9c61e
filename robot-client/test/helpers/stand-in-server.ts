import {
  decodeEvent,
  EVENT,
  encodeEvent,
  parseRouted,
  RouterSocket,
  responseHeader,
  routedFrames,
} from '@maskrcnn-zmq/shared';

export interface StandInServer {
  endpoint: string;
  /** getMask calls received. */
  calls: number;
  /** Most getMask calls open at once. */
  maxOpen: number;
  /** The image of the last getMask call. */
  lastImage: Uint8Array | undefined;
  close(): void;
}

/**
 * A zerorpc server stood in by a real ROUTER socket, for tests of the client's behaviour that
 * the real server cannot be made to show on demand (slow, silent). Each getMask call is
 * answered `OK [answer(image)]` after `delayMs`, or never when `answer` returns undefined;
 * `info()`, which a client asks once for the request limit, is answered at once (with
 * `workers` when given).
 *
 *   client DEALER                 stand-in ROUTER
 *   [ '', {id}, 'getMask', [jpeg, opts] ] ──►   waits delayMs
 *   ◄── [ id…, '', {response_to: id}, 'OK', [bytes] ]
 *   _zpc_hb from the client ──►   ignored (answers come well inside two beats)
 */
export async function startStandInServer(
  answer: (image: Uint8Array) => Uint8Array | undefined | Promise<Uint8Array | undefined>,
  options: { delayMs?: number; endpoint?: string; workers?: number } = {},
): Promise<StandInServer> {
  const router = await RouterSocket.listen(options.endpoint ?? 'tcp://127.0.0.1:*', {
    maxFrameBytes: 64 << 20,
    highWaterMark: 1000,
    onSendError: () => {},
  });
  let open = 0;
  const server: StandInServer = {
    endpoint: router.endpoint,
    calls: 0,
    maxOpen: 0,
    lastImage: undefined,
    close: () => void router.close(),
  };
  const reply = (identity: Buffer[], id: Uint8Array | string, result: unknown) =>
    router.send(
      routedFrames(
        identity,
        encodeEvent({ header: responseHeader(id), name: EVENT.ok, args: [result] }),
      ),
    );

  const handle = async (identity: Buffer[], id: Uint8Array | string, image: Uint8Array) => {
    open++;
    server.maxOpen = Math.max(server.maxOpen, open);
    try {
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      const composite = await answer(image);
      if (composite === undefined || router.closed) return;
      await reply(identity, id, composite);
    } finally {
      open--;
    }
  };

  void router.receiveEach((frames) => {
    const { identity, payload } = parseRouted(frames);
    const event = decodeEvent(payload);
    if (event.name === 'info')
      void reply(identity, event.header.message_id, { workers: options.workers });
    if (event.name !== 'getMask') return;
    server.calls++;
    server.lastImage = (event.args as [Uint8Array])[0];
    void handle(identity, event.header.message_id, server.lastImage);
  });
  return server;
}
