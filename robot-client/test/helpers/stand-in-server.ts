import {
  decodeEvent,
  EVENT,
  encodeEvent,
  parseRouted,
  responseHeader,
  routedFrames,
  SerialSender,
} from '@maskrcnn-zmq/shared';
import { Router } from 'zeromq';

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
 * answered `OK [answer(image)]` after `delayMs`, or never when `answer` returns undefined.
 *
 *   client DEALER                 stand-in ROUTER
 *   [ '', {id}, 'getMask', [jpeg, opts] ] ──►   waits delayMs
 *   ◄── [ id…, '', {response_to: id}, 'OK', [bytes] ]
 *   _zpc_hb from the client ──►   ignored (answers come well inside two beats)
 */
export async function startStandInServer(
  answer: (image: Uint8Array) => Uint8Array | undefined | Promise<Uint8Array | undefined>,
  options: { delayMs?: number; endpoint?: string } = {},
): Promise<StandInServer> {
  const router = new Router({ linger: 0 });
  await router.bind(options.endpoint ?? 'tcp://127.0.0.1:*');
  const sender = new SerialSender(
    (frames) => router.send(frames),
    () => {},
  );
  let open = 0;
  const server: StandInServer = {
    endpoint: router.lastEndpoint as string,
    calls: 0,
    maxOpen: 0,
    lastImage: undefined,
    close: () => router.close(),
  };

  const handle = async (identity: Buffer[], id: Uint8Array | string, image: Uint8Array) => {
    open++;
    server.maxOpen = Math.max(server.maxOpen, open);
    try {
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      const reply = await answer(image);
      if (reply === undefined || router.closed) return;
      const event = { header: responseHeader(id), name: EVENT.ok, args: [reply] };
      await sender.send(routedFrames(identity, encodeEvent(event)));
    } finally {
      open--;
    }
  };

  void (async () => {
    try {
      for await (const frames of router) {
        const { identity, payload } = parseRouted(frames);
        const event = decodeEvent(payload);
        if (event.name !== 'getMask') continue;
        server.calls++;
        server.lastImage = (event.args as [Uint8Array])[0];
        void handle(identity, event.header.message_id, server.lastImage);
      }
    } catch (error) {
      if (!router.closed) throw error;
    }
  })();
  return server;
}
