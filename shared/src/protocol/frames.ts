import { ProtocolError } from './errors.js';

/**
 * A message as a ROUTER sees it: the peer's routing identity, then the empty delimiter frame,
 * then one msgpack payload. A DEALER sees the same without the identity.
 */
export interface RoutedMessage {
  /** Routing frames, opaque; sent back unchanged so the reply reaches the caller. */
  identity: Buffer[];
  payload: Buffer;
}

const DELIMITER = Buffer.alloc(0);

/**
 * Splits a message received on a ROUTER (identity frames, the empty delimiter, the payload).
 * @throws {ProtocolError} without the delimiter, so the caller can log and drop it.
 */
export function parseRouted(frames: Buffer[]): RoutedMessage {
  const delimiterAt = frames.length - 2;
  if (delimiterAt < 1 || frames[delimiterAt].length !== 0) {
    throw new ProtocolError(
      `expected [identity…, empty delimiter, payload]; got ${frames.length} frame(s) without the delimiter`,
    );
  }
  return { identity: frames.slice(0, delimiterAt), payload: frames[frames.length - 1] };
}

/** The frames that carry `payload` back to the peer named by `identity`. */
export function routedFrames(identity: Buffer[], payload: Uint8Array): Uint8Array[] {
  return [...identity, DELIMITER, payload];
}

/**
 * The payload of a message received on a DEALER (`[delimiter, payload]`).
 * @throws {ProtocolError} for any other shape.
 */
export function parseDealt(frames: Buffer[]): Buffer {
  if (frames.length !== 2 || frames[0].length !== 0) {
    throw new ProtocolError(`expected [empty delimiter, payload]; got ${frames.length} frame(s)`);
  }
  return frames[1];
}

/** The frames a DEALER sends: the delimiter first, as every zerorpc peer expects. */
export function dealtFrames(payload: Uint8Array): Uint8Array[] {
  return [DELIMITER, payload];
}
