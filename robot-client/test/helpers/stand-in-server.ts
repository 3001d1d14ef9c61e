import {
  decodeEvent,
  EVENT,
  encodeEvent,
  parseRouted,
  RouterSocket,
  responseHeader,
  routedFrames,
} from '@maskrcnn-zmq/shared';

/** What the stand-in does with one getMask call: `OK [bytes]`, `ERR [name, message, '']`, or no reply. */
export type StandInAnswer = Uint8Array | { err: [name: string, message: string] } | undefined;

export interface StandInServer {
  endpoint: string;
  /** getMask calls received. */
  readonly calls: number;
  /** `Date.now()` of each getMask call received, in order. */
  callTimes: number[];
  /** Most getMask calls open at once. */
  maxOpen: number;
  /** The image of the last getMask call. */
  lastImage: Uint8Array | undefined;
  close(): void;
}

/**
 * A zerorpc server stood in by a real ROUTER socket, for tests of the client's behaviour that
 * the real server cannot be made to show on demand (slow, silent, refusing). Each getMask call
 * (the n-th, from 0) is answered as `answer(image, n)` says, after `delayMs`; `info()`, which a
 * client asks once for the request limit, is answered at once (with `workers` when given).
 *
 *   client DEALER                 stand-in ROUTER
 *   [ '', {id}, 'getMask', [jpeg, opts] ] ──►   waits delayMs, then answer(jpeg, n)
 *   ◄── [ id…, '', {response_to: id}, 'OK', [bytes] ]  or  'ERR', [name, message, '']
 *   _zpc_hb from the client ──►   ignored (answers come well inside two beats)
 */
export async function startStandInServer(
  answer: (image: Uint8Array, call: number) => StandInAnswer | Promise<StandInAnswer>,
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
    get calls() {
      return this.callTimes.length;
    },
    callTimes: [],
    maxOpen: 0,
    lastImage: undefined,
    close: () => void router.close(),
  };
  const reply = (identity: Buffer[], id: Uint8Array | string, name: string, args: unknown[]) =>
    router.send(routedFrames(identity, encodeEvent({ header: responseHeader(id), name, args })));

  const handle = async (identity: Buffer[], id: Uint8Array | string, image: Uint8Array) => {
    const call = server.callTimes.length;
    server.callTimes.push(Date.now());
    open++;
    server.maxOpen = Math.max(server.maxOpen, open);
    try {
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      const outcome = await answer(image, call);
      if (outcome === undefined || router.closed) return;
      if (outcome instanceof Uint8Array) await reply(identity, id, EVENT.ok, [outcome]);
      else await reply(identity, id, EVENT.err, [...outcome.err, '']);
    } finally {
      open--;
    }
  };

  void router.receiveEach((frames) => {
    const { identity, payload } = parseRouted(frames);
    const event = decodeEvent(payload);
    const id = event.header.message_id;
    if (event.name === 'info') void reply(identity, id, EVENT.ok, [{ workers: options.workers }]);
    if (event.name !== 'getMask') return;
    server.lastImage = (event.args as [Uint8Array])[0];
    void handle(identity, id, server.lastImage);
  });
  return server;
}
