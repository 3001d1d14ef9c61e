import {
  EVENT,
  type MessageId,
  type MsgpackLimits,
  readEvent,
  type ZerorpcEvent,
} from '@maskrcnn-zmq/shared';

/**
 * What a request to this service may hold, checked on the bytes before anything is decoded:
 * `[header, name, [image, options]]` with `options.classes` the deepest value, and one large
 * str or bin (the image). Everything else is small.
 */
export const REQUEST_LIMITS: MsgpackLimits = {
  maxDepth: 5,
  maxValues: 512,
  maxEntries: 128,
  maxSmallBytes: 1024,
  maxLargeValues: 1,
  maxExtBytes: 0,
};

/**
 * Routing frames a message may carry before the delimiter. A DEALER's message gets one (its
 * identity, at most 255 bytes); a few more allow for proxies in between.
 */
export const MAX_ROUTING_FRAMES = 4;
const MAX_ROUTING_FRAME_BYTES = 255;

/** Protocol events that belong to an open exchange rather than open one. */
const EXCHANGE_EVENTS: ReadonlySet<string> = new Set([
  EVENT.heartbeat,
  EVENT.more,
  EVENT.stream,
  EVENT.streamDone,
  EVENT.ok,
  EVENT.err,
]);

/** One received message, classified: what the router does with it is a `switch` on `type`. */
export type Inbound =
  | { type: 'request'; identity: Buffer[]; event: ZerorpcEvent }
  /** An event of an open exchange (a heartbeat): it tells the exchange its caller is there. */
  | { type: 'exchange-event'; identity: Buffer[]; event: ZerorpcEvent }
  /** A request that cannot be served but can be answered: the caller gets `BadRequest`. */
  | { type: 'refuse'; identity: Buffer[]; messageId: MessageId; problem: string }
  /** Nothing to reply to: counted by `reason` and dropped. */
  | { type: 'drop'; reason: string; problem: string };

/**
 * Classifies `frames` as a ROUTER received them (`bytes` in all, from {@link totalBytes}).
 * Bounded work whatever they hold: the size is checked before anything is read, and the payload is read within {@link REQUEST_LIMITS}. Never
 * throws.
 */
export function classify(frames: Buffer[], bytes: number, maxMessageBytes: number): Inbound {
  const allowed = maxMessageBytes + MAX_ROUTING_FRAMES * MAX_ROUTING_FRAME_BYTES;
  if (bytes > allowed) {
    return drop(
      'too-large',
      `${frames.length} frames of ${bytes} bytes in all (at most ${allowed})`,
    );
  }
  if (frames.length < 2) return drop('no-delimiter', "a message of its sender's identity alone");
  const read = readEvent(frames[frames.length - 1], REQUEST_LIMITS);
  const envelope = envelopeProblem(frames);
  if (envelope) {
    // The peer is the first routing frame; a reply to it alone arrives as ["", reply].
    const header =
      read.type === 'event'
        ? read.event.header
        : read.type === 'answerable'
          ? read.header
          : undefined;
    if (!header || header.response_to !== undefined) return drop(envelope.reason, envelope.problem);
    return {
      type: 'refuse',
      identity: [frames[0]],
      messageId: header.message_id,
      problem: envelope.problem,
    };
  }

  const identity = frames.slice(0, frames.length - 2);
  switch (read.type) {
    case 'unreadable':
      return drop(read.reason, read.problem);
    case 'answerable':
      // A broken event of an open exchange cannot be answered on its own.
      if (read.header.response_to !== undefined) return drop('not-an-event', read.problem);
      return { type: 'refuse', identity, messageId: read.header.message_id, problem: read.problem };
    case 'event': {
      const { event } = read;
      if (event.header.response_to === undefined) return checkTimeout(identity, event);
      if (EXCHANGE_EVENTS.has(event.name)) return { type: 'exchange-event', identity, event };
      return {
        type: 'refuse',
        identity,
        messageId: event.header.message_id,
        problem: `a request for ${event.name}() must not carry response_to; that header marks events of an open call`,
      };
    }
  }
}

/** What is wrong with the frames before the payload, if anything. */
function envelopeProblem(frames: Buffer[]): { reason: string; problem: string } | undefined {
  const delimiterAt = frames.length - 2;
  if (delimiterAt < 1 || frames[delimiterAt].length !== 0) {
    return {
      reason: 'no-delimiter',
      problem: `${frames.length} frames without an empty delimiter frame before the payload`,
    };
  }
  if (delimiterAt > MAX_ROUTING_FRAMES) {
    return {
      reason: 'envelope',
      problem: `${delimiterAt - 1} frames before the delimiter; send [empty delimiter, payload] (zerorpc)`,
    };
  }
  if (frames.slice(0, delimiterAt).some((frame) => frame.length > MAX_ROUTING_FRAME_BYTES)) {
    return {
      reason: 'envelope',
      problem: `a routing frame over ${MAX_ROUTING_FRAME_BYTES} bytes before the delimiter`,
    };
  }
  return undefined;
}

/** The size of a message, all frames together. */
export function totalBytes(frames: readonly Buffer[]): number {
  let bytes = 0;
  for (const frame of frames) bytes += frame.length;
  return bytes;
}

function checkTimeout(identity: Buffer[], event: ZerorpcEvent): Inbound {
  const timeoutMs: unknown = event.header.timeout_ms;
  if (timeoutMs === undefined || (Number.isFinite(timeoutMs) && (timeoutMs as number) > 0)) {
    return { type: 'request', identity, event };
  }
  return {
    type: 'refuse',
    identity,
    messageId: event.header.message_id,
    problem: `header timeout_ms must be a positive number of milliseconds; got ${String(timeoutMs)}`,
  };
}

function drop(reason: string, problem: string): Inbound {
  return { type: 'drop', reason, problem };
}
