import { decode, encode } from '@msgpack/msgpack';
import { ProtocolError } from './errors.js';
import {
  arrayEntries,
  checkMsgpack,
  MsgpackLimitError,
  type MsgpackLimits,
} from './msgpack-limits.js';
import { PROTOCOL_VERSION } from './words.js';

/**
 * A message id as it travels: the Python client sends 32 hex digits packed as msgpack bin,
 * other clients a str. Replies must echo the type they received.
 */
export type MessageId = string | Uint8Array;

export interface EventHeader {
  message_id: MessageId;
  v: number;
  /** Present on every event after the request that opened the exchange. */
  response_to?: MessageId;
  /**
   * On a request: how long its caller will wait for the reply, in milliseconds from sending.
   * Not in zerorpc itself; a server drops work whose caller has stopped waiting.
   */
  timeout_ms?: number;
}

/** One zerorpc event: `[header, name, args]` on the wire. */
export interface ZerorpcEvent {
  header: EventHeader;
  name: string;
  /** Positional arguments; `null` where the protocol sends nil (STREAM_DONE). */
  args: unknown[] | null;
}

/** msgpack bytes of one event; bytes travel as bin, strings as str, as the reference packs them. */
export function encodeEvent(event: ZerorpcEvent): Uint8Array {
  return encode([event.header, event.name, event.args], { ignoreUndefined: true });
}

/**
 * Parses one event, checking only what routing needs: the header's message_id and the name.
 * Unknown header keys (tracing middleware adds some) are kept and ignored.
 * @throws {ProtocolError} when the bytes are not msgpack or not a zerorpc event.
 */
export function decodeEvent(payload: Uint8Array): ZerorpcEvent {
  let value: unknown;
  try {
    value = decode(payload);
  } catch (cause) {
    throw new ProtocolError(`payload of ${payload.length} bytes is not msgpack`, { cause });
  }
  const read = eventOf(value);
  if (read.type === 'event') return read.event;
  throw new ProtocolError(read.problem);
}

/** Why a message could not be read as an event; what a server counts its drops by. */
export type UnreadableReason = 'not-msgpack' | 'over-limits' | 'not-an-event';

/** One received payload, read as far as it can be. */
export type ReadEvent =
  | { type: 'event'; event: ZerorpcEvent }
  /** Broken past its header: the sender can be told what is wrong, under its own id. */
  | { type: 'answerable'; header: EventHeader; problem: string }
  /** Nothing to reply to; the message can only be dropped. */
  | { type: 'unreadable'; reason: UnreadableReason; problem: string };

/**
 * Reads an event from an untrusted peer: `limits` are checked on the bytes before anything is
 * decoded, and a message that fails after a readable header is `answerable`, so its sender
 * gets an error instead of waiting for its own timeout. Never throws.
 */
export function readEvent(payload: Uint8Array, limits: MsgpackLimits): ReadEvent {
  let value: unknown;
  try {
    checkMsgpack(payload, limits);
    value = decode(payload);
  } catch (error) {
    const problem = `payload of ${payload.length} bytes refused: ${(error as Error).message}`;
    const header = headerOf(payload, limits);
    if (header) return { type: 'answerable', header, problem };
    const reason = error instanceof MsgpackLimitError ? 'over-limits' : 'not-msgpack';
    return { type: 'unreadable', reason, problem };
  }
  return eventOf(value);
}

function eventOf(value: unknown): ReadEvent {
  const entries = Array.isArray(value) ? value : [];
  const [header, name, args] = entries;
  if (!isHeader(header)) {
    return {
      type: 'unreadable',
      reason: 'not-an-event',
      problem:
        entries.length === 0
          ? `event must be [header, name, args]; got ${describe(value)}`
          : `event header must be a map with a str or bin message_id; got ${describe(header)}`,
    };
  }
  const answer = (problem: string): ReadEvent => ({ type: 'answerable', header, problem });
  if (entries.length < 3)
    return answer(`event must be [header, name, args]; got ${describe(value)}`);
  if (typeof name !== 'string') return answer(`event name must be a str; got ${describe(name)}`);
  if (args !== null && !Array.isArray(args)) {
    return answer(`event args must be an array or nil; got ${describe(args)}`);
  }
  return { type: 'event', event: { header, name, args } };
}

/** The header of an event whose later parts are refused, when the header alone reads cleanly. */
function headerOf(payload: Uint8Array, limits: MsgpackLimits): EventHeader | undefined {
  try {
    const { count, first } = arrayEntries(payload, limits);
    if (count === 0) return undefined;
    const header = decode(payload.subarray(first, checkMsgpack(payload, limits, first)));
    return isHeader(header) ? header : undefined;
  } catch {
    return undefined;
  }
}

function isMessageId(value: unknown): value is MessageId {
  return typeof value === 'string' || value instanceof Uint8Array;
}

function isHeader(value: unknown): value is EventHeader {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const header = value as Record<string, unknown>;
  return (
    isMessageId(header.message_id) &&
    (header.response_to === undefined || isMessageId(header.response_to))
  );
}

/** A short description of an unexpected value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'nil';
  if (value instanceof Uint8Array) return `bin of ${value.length} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `a str of ${value.length} characters`;
  return typeof value === 'object' ? 'a map' : `${typeof value} ${String(value)}`;
}

/**
 * Makes message ids in the caller's style: hex digits as a str, or the same digits as bin bytes
 * where the peer used bin, so replies to Python clients match what they wait for.
 */
export function newMessageId(like: MessageId = ''): MessageId {
  const hex = crypto.randomUUID().replaceAll('-', '');
  return typeof like === 'string' ? hex : new TextEncoder().encode(hex);
}

/** The header of a new exchange (a request), with its caller's timeout where it has one. */
export function requestHeader(id: MessageId, timeoutMs?: number): EventHeader {
  return {
    message_id: id,
    v: PROTOCOL_VERSION,
    ...(timeoutMs !== undefined && { timeout_ms: timeoutMs }),
  };
}

/** The header of a later event in the exchange opened by `requestId`. */
export function responseHeader(requestId: MessageId): EventHeader {
  return { message_id: newMessageId(requestId), v: PROTOCOL_VERSION, response_to: requestId };
}

/** A key for maps of open exchanges: bin and str ids with the same digits are the same call. */
export function idKey(id: MessageId): string {
  return typeof id === 'string'
    ? id
    : Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('latin1');
}
