import type { RemoteError } from '@maskrcnn-zmq/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CallRunner } from '../../calls/call-runner.js';
import type { CallContext } from '../../methods/method.js';
import { errorReply } from './errors.js';

/** Who called: the remote address and port of the connection. */
export function peerOf(request: FastifyRequest): string {
  return `${request.socket.remoteAddress}:${request.socket.remotePort}`;
}

/**
 * Runs one HTTP request as a call through the {@link CallRunner} (deadline, shutdown, the log
 * line and the count, labelled `http`), and returns what `answer` makes of the result, or the
 * error's body with its status. A caller whose connection closes before the answer is gone:
 * its work is withdrawn and nothing is sent.
 */
export async function runCall<T>(
  runner: CallRunner,
  request: FastifyRequest,
  reply: FastifyReply,
  method: string,
  work: (context: CallContext) => Promise<T>,
  answer: (result: T) => unknown,
): Promise<unknown> {
  const gone = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) gone.abort(new Error('the caller closed its connection'));
  });
  try {
    const result = await runner.run(
      {
        door: 'http',
        method,
        requestId: request.id, // the caller's X-Request-Id, or fastify's own
        peer: peerOf(request),
        gone: gone.signal,
      },
      work,
    );
    return answer(result);
  } catch (error) {
    if (gone.signal.aborted) {
      reply.hijack(); // Nobody to answer.
      return undefined;
    }
    return errorReply(request, reply, error as RemoteError);
  }
}
