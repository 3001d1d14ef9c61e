import {
  decodeEvent,
  EVENT,
  encodeEvent,
  parseRouted,
  RouterSocket,
  responseHeader,
  routedFrames,
} from '@maskrcnn-zmq/shared';

/** What the scripted server does with one getMask call. */
export type ScriptedAnswer =
  | { ok: Uint8Array }
  | { err: [name: string, message: string] }
  /** No reply at all (the client times out). */
  | undefined;

export interface ScriptedServer {
  endpoint: string;
  /** `Date.now()` of each getMask call received, in order. */
  callTimes: number[];
  close(): void;
}

/**
 * A zerorpc server stood in by a real ROUTER socket that answers each getMask call as the test
 * scripts it (the n-th call, from 0): `OK [bytes]`, `ERR [name, message, '']`, or nothing.
 * `info()` is answered `{}` at once.
 *
 *   client DEALER                                stand-in ROUTER
 *   [ '', {id}, 'getMask', [jpeg, opts] ] ──►    answer(n)
 *   ◄── [ id…, '', {response_to: id}, 'ERR', ['Overloaded', 'queue full', ''] ]
 */
export async function startScriptedServer(
  answer: (call: number, image: Uint8Array) => ScriptedAnswer,
): Promise<ScriptedServer> {
  const router = await RouterSocket.listen('tcp://127.0.0.1:*', {
    maxFrameBytes: 64 << 20,
    highWaterMark: 1000,
    onSendError: () => {},
  });
  const server: ScriptedServer = {
    endpoint: router.endpoint,
    callTimes: [],
    close: () => void router.close(),
  };
  const reply = (identity: Buffer[], id: Uint8Array | string, name: string, args: unknown[]) =>
    router.send(routedFrames(identity, encodeEvent({ header: responseHeader(id), name, args })));

  void router.receiveEach((frames) => {
    const { identity, payload } = parseRouted(frames);
    const event = decodeEvent(payload);
    const id = event.header.message_id;
    if (event.name === 'info') void reply(identity, id, EVENT.ok, [{}]);
    if (event.name !== 'getMask') return;
    const outcome = answer(server.callTimes.length, (event.args as [Uint8Array])[0]);
    server.callTimes.push(Date.now());
    if (!outcome || router.closed) return;
    if ('ok' in outcome) void reply(identity, id, EVENT.ok, [outcome.ok]);
    else void reply(identity, id, EVENT.err, [...outcome.err, '']);
  });
  return server;
}
