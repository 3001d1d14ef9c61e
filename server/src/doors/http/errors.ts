import { RemoteError } from '@maskrcnn-zmq/shared';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The HTTP status of each error name a caller can get, the wire errors and the door's own
 * (`RequestTooLarge`, `UnsupportedMediaType`, `Unauthorized`, `NotFound`); any other is 500.
 */
const STATUS: Readonly<Record<string, number>> = {
  BadRequest: 400,
  InvalidImage: 400,
  NameError: 400,
  TypeError: 400,
  Unauthorized: 401,
  NotFound: 404,
  ImageTooLarge: 413,
  RequestTooLarge: 413,
  UnsupportedMediaType: 415,
  InternalError: 500,
  Overloaded: 503,
  ShuttingDown: 503,
  DeadlineExceeded: 504,
};

/** Seconds an `Overloaded` or `ShuttingDown` caller is told to wait: a queue turns over in about that. */
const RETRY_AFTER_S = 1;

/** The HTTP status for an error named `name`. */
export function statusOf(name: string): number {
  return STATUS[name] ?? 500;
}

/**
 * Sets the status and headers for `error` and returns its body. The Open Inference routes
 * (`/v2/…`) answer with the protocol's `{error: "Name: message"}`, the one field its clients
 * print; every other route with `{error: Name, message}`, so a caller can match on the name.
 */
export function errorReply(request: FastifyRequest, reply: FastifyReply, error: RemoteError) {
  const status = statusOf(error.name);
  reply.code(status);
  if (status === 503) reply.header('retry-after', String(RETRY_AFTER_S));
  if (status === 401) reply.header('www-authenticate', 'Bearer');
  return request.url.startsWith('/v2')
    ? { error: `${error.name}: ${error.message}` }
    : { error: error.name, message: error.message };
}

/**
 * What fastify or a plugin raised before a route's work began (a body over the limit, a content
 * type no parser takes, a query that fails its schema), as the error a caller gets.
 */
export function fromFastifyError(
  error: FastifyError,
  request: FastifyRequest,
  maxMessageBytes: number,
): RemoteError {
  if (error instanceof RemoteError) return error;
  const status = error.statusCode ?? 500;
  if (status === 413) {
    return new RemoteError(
      'RequestTooLarge',
      `the request is over the server's limit of ${maxMessageBytes} bytes (--max-message-mb); send a smaller image`,
    );
  }
  if (status === 415 || error.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') {
    return new RemoteError(
      'UnsupportedMediaType',
      `this route does not read a body of type ${request.headers['content-type'] ?? '(none)'}; /v1 routes read image/jpeg, image/png, image/webp and multipart/form-data`,
    );
  }
  if (status >= 400 && status < 500) return new RemoteError('BadRequest', error.message);
  return new RemoteError('InternalError', error.message);
}
