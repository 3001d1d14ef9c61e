/**
 * The errors that cross the wire, one list for both sides. A server failure travels as
 * `ERR [name, message, traceback]`; the client turns it back into the class named here, so
 * callers match on `err.name` (or `instanceof`) on either side of the socket.
 *
 * One naming rule for every error class in the project: the class is `<Name>Error` and its
 * `name`, what callers match on, is `<Name>`. The wire names are fixed by the protocol, so
 * zerorpc's own `NameError`, `TypeError` and `InternalError` keep their names, from classes
 * that do not shadow JavaScript's built-ins.
 */

/** Every error a server may send back in an `ERR` event. */
export class RemoteError extends Error {
  /** The remote traceback text, or '' where the server keeps it to itself. */
  readonly traceback: string;

  constructor(name: string, message: string, traceback = '', options?: ErrorOptions) {
    super(message, options);
    this.name = name;
    this.traceback = traceback;
  }
}

function wireError(wireName: string) {
  return class extends RemoteError {
    constructor(message: string, options?: ErrorOptions) {
      super(wireName, message, '', options);
    }
  };
}

/** The image bytes could not be decoded (empty, not an image, truncated, unsupported format). */
export class InvalidImageError extends wireError('InvalidImage') {}
/** The image is larger than the server accepts; the message gives both sizes. */
export class ImageTooLargeError extends wireError('ImageTooLarge') {}
/** An argument has the wrong type or value; the message names the parameter. */
export class BadRequestError extends wireError('BadRequest') {}
/** The request queue is full; the call was refused at once, without waiting. */
export class OverloadedError extends wireError('Overloaded') {}
/** The method does not exist (the reference zerorpc server's name for this). */
export class UnknownMethodError extends wireError('NameError') {}
/** Wrong number of arguments (the reference zerorpc server's name for this). */
export class ArgumentCountError extends wireError('TypeError') {}
/** The server failed in a way the caller cannot fix; the message says what happened. */
export class InternalError extends wireError('InternalError') {}
/**
 * The call's deadline passed before its work could finish: it waited longer than the caller's
 * `timeout_ms` (or the server's `--max-wait-ms`) in the queue, or ran past the caller's deadline.
 */
export class DeadlineExceededError extends wireError('DeadlineExceeded') {}
/** The server is shutting down: it takes no new calls and answers queued ones with this. */
export class ShuttingDownError extends wireError('ShuttingDown') {}

/** The wire names, mapped to their classes, for turning an `ERR` back into an error. */
export const WIRE_ERRORS = {
  InvalidImage: InvalidImageError,
  ImageTooLarge: ImageTooLargeError,
  BadRequest: BadRequestError,
  Overloaded: OverloadedError,
  NameError: UnknownMethodError,
  TypeError: ArgumentCountError,
  InternalError: InternalError,
  DeadlineExceeded: DeadlineExceededError,
  ShuttingDown: ShuttingDownError,
} as const;

export type WireErrorName = keyof typeof WIRE_ERRORS;

/** Rebuilds the error a server sent; unknown names stay a plain {@link RemoteError}. */
export function remoteErrorFrom(name: string, message: string, traceback: string): RemoteError {
  const error = isWireErrorName(name)
    ? new WIRE_ERRORS[name](message)
    : new RemoteError(name, message);
  return Object.assign(error, { traceback });
}

/** Own keys only: `'constructor' in WIRE_ERRORS` is true, and must not make a wire error. */
export function isWireErrorName(name: string): name is WireErrorName {
  return Object.hasOwn(WIRE_ERRORS, name);
}

/** A frame or event that does not follow the zerorpc protocol; never sent, only logged. */
export class ProtocolError extends Error {
  override name = 'Protocol';
}

/** No reply within the call's deadline. The call is abandoned; a late reply is dropped. */
export class TimeoutError extends Error {
  override name = 'Timeout';
  constructor(
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super(`${method}() got no reply within ${timeoutMs} ms`);
  }
}

/** The peer stopped sending heartbeats for more than two intervals during an open call. */
export class LostRemoteError extends Error {
  override name = 'LostRemote';
  constructor(
    readonly method: string,
    readonly silentMs: number,
  ) {
    super(`${method}(): no heartbeat from the server for ${silentMs} ms; it is considered lost`);
  }
}

/** The client was closed while the call was open. */
export class ClientClosedError extends Error {
  override name = 'ClientClosed';
}

/**
 * The request is larger than the server accepts (its `info().maxMessageBytes`), so it was not
 * sent: ZeroMQ would drop the connection, and every other call in flight on it, without a reply.
 */
export class RequestTooLargeError extends Error {
  override name = 'RequestTooLarge';
  constructor(
    readonly method: string,
    readonly bytes: number,
    readonly limitBytes: number,
  ) {
    super(
      `${method}() request of ${bytes} bytes is over the server's limit of ${limitBytes} bytes (--max-message-mb); send a smaller image`,
    );
  }
}
