import { Reply } from 'zeromq';
import { z85Encode } from './z85.js';

/** Whether the client with this public key (Z85), connecting from `address`, may in. */
export type CurveGate = (publicKey: string, address: string) => boolean;

const ZAP_ENDPOINT = 'inproc://zeromq.zap.01';
const gates = new Map<string, CurveGate>();
let handler: { socket: Reply; done: Promise<void> } | undefined;
let nextDomain = 0;

/**
 * Puts `gate` in front of a CURVE server socket, through ZeroMQ's authentication protocol (ZAP,
 * RFC 27): libzmq asks at every handshake, and the socket's ZAP domain says whose gate answers.
 * One handler serves the whole process, since only one may bind the ZAP endpoint; `onError`
 * hears if it fails (every handshake is refused from then on).
 * @returns the ZAP domain to set on the socket, and how to take the gate away again.
 */
export async function openGate(
  gate: CurveGate,
  onError: (error: unknown) => void,
): Promise<{ domain: string; close: () => void }> {
  const domain = `maskrcnn-zmq-${nextDomain++}`;
  gates.set(domain, gate);
  if (!handler) {
    const socket = new Reply({ linger: 0 });
    await socket.bind(ZAP_ENDPOINT);
    handler = { socket, done: answer(socket).catch(onError) };
  }
  return {
    domain,
    close: () => {
      gates.delete(domain);
      if (gates.size === 0 && handler) {
        handler.socket.close();
        handler = undefined;
      }
    },
  };
}

/** Answers ZAP requests until the socket closes. */
async function answer(socket: Reply): Promise<void> {
  try {
    for await (const [version, requestId, domain, address, , mechanism, key] of socket) {
      const gate = gates.get(domain.toString());
      // A CURVE socket without a gate (encryption only) has no domain: anyone with the key may in.
      const allowed =
        domain.length === 0 ||
        (gate !== undefined &&
          mechanism.toString() === 'CURVE' &&
          key?.length === 32 &&
          gate(z85Encode(key), address.toString()));
      await socket.send([
        version,
        requestId,
        allowed ? '200' : '400',
        allowed ? 'OK' : 'not allowed',
        '',
        '',
      ]);
    }
  } catch (error) {
    if (!socket.closed) throw error;
  }
}
