import { setTimeout as sleep } from 'node:timers/promises';
import type { CallOptions, GetMaskOptions } from '@maskrcnn-zmq/shared';
import type { Logger } from 'pino';
import { Backoff, type BackoffOptions } from './backoff.js';
import type { RawFrame } from './camera/subscribe.js';
import type { Display } from './display/display.js';
import { GuardedDisplays, noDisplayLeft } from './display/guard.js';
import { encodeJpeg } from './encode/jpeg.js';
import { framePixels, MalformedFrameError, UnsupportedEncodingError } from './encode/pixels.js';
import type { Figures } from './figures.js';
import type { LatestSlot } from './slot/latest-slot.js';

/** What the loop needs of the server: `VisionClient` has it. */
export interface MaskService {
  getMask(image: Uint8Array, options?: GetMaskOptions, call?: CallOptions): Promise<Uint8Array>;
  /** The server's description; the loop reads `workers` from it. */
  info(call?: CallOptions): Promise<{ workers?: number }>;
}

export interface LoopOptions {
  slot: LatestSlot<RawFrame>;
  service: MaskService;
  displays: readonly Display[];
  figures: Figures;
  log: Logger;
  jpegQuality: number;
  mask: GetMaskOptions;
  call: CallOptions;
  /**
   * Calls kept out at once, each with a newer frame than the last; 0: as many as the server
   * has inference workers (asked once it first answers).
   */
  inFlight?: number;
  /** The wait after failed calls (see backoff.ts). */
  backoff?: BackoffOptions;
  /** Cuts a backoff wait short, as the node stops. */
  signal?: AbortSignal;
}

/** JPEG bytes of one camera frame, ready to send. */
export async function encodeFrame(frame: RawFrame, quality: number): Promise<Buffer> {
  return encodeJpeg(framePixels(frame), quality);
}

/** Server replies that mean the node's requests are wrong: retrying cannot help. */
const CONFIGURATION_ERRORS = new Set(['BadRequest', 'NameError', 'TypeError']);
/** Failures of one frame (its image): the next frame may do. */
const FRAME_ERRORS = new Set(['InvalidImage', 'ImageTooLarge', 'RequestTooLarge']);

/** The server refuses the node's requests as malformed; the message is the server's. */
export class ServerRejectsRequestsError extends Error {
  override name = 'ServerRejectsRequests';
}

/** The most calls a loop keeps out, whatever the server says of its workers. */
const MAX_IN_FLIGHT = 16;

/**
 * take → encode → getMask → show, until the slot closes, in `inFlight` lanes at once. Each turn
 * of a lane takes the newest frame, which no other lane can take again, so the loop runs as fast
 * as the server answers, never falls behind and never sends one frame twice; a composite older
 * than one already shown is dropped, so the displays never go back in time. With several
 * inference workers a server answers that many calls at once: one lane would leave all but one
 * idle. What a failed call means decides what comes next:
 * - `BadRequest`, `NameError`, `TypeError`: the requests are wrong (a misspelt `~classes`);
 *   rejects with {@link ServerRejectsRequestsError} carrying the server's message.
 * - `Overloaded`: waits (capped exponential backoff with jitter), then the newest frame.
 * - a timeout, a lost server, or any other server failure: the client has already switched to a
 *   fresh socket; the loop backs off the same way and tries the newest frame.
 * - `InvalidImage`, `ImageTooLarge`, `RequestTooLarge`: that frame is skipped.
 * Failures are logged once per kind of frame problem, and once per outage of the server, with
 * one line when it answers again. A display that keeps failing is left out (display/guard.ts);
 * with none left the loop rejects with {@link NoDisplayLeftError}.
 */
export async function runLoop(options: LoopOptions): Promise<void> {
  const { slot, service, figures, log } = options;
  const reported = new Set<string>();
  let outage: { since: number; failures: number; kind: 'overloaded' | 'unanswered' } | undefined;
  let fatal: Error | undefined;
  const displays = new GuardedDisplays(options.displays, log, (error) => {
    fatal = error;
    slot.close();
  });
  if (displays.live === 0) throw noDisplayLeft();
  const backoff = new Backoff(options.backoff);
  /** Frames are numbered as lanes take them; composites of older ones than shown are dropped. */
  let taken = 0;
  let shown = 0;
  let stopped = false;

  const lane = async (onFirstReply?: () => void): Promise<void> => {
    for (let frame = await slot.take(); frame && !stopped; frame = await slot.take()) {
      const number = ++taken;
      let jpeg: Buffer;
      try {
        jpeg = await encodeFrame(frame, options.jpegQuality);
      } catch (error) {
        figures.recordFailure(error as Error);
        const key = `${(error as Error).name}:${(error as Error).message}`;
        if (!reported.has(key)) {
          reported.add(key);
          const frameProblem =
            error instanceof UnsupportedEncodingError || error instanceof MalformedFrameError;
          log.error(
            { err: error, encoding: frame.encoding },
            frameProblem
              ? 'camera frames cannot be read; they are skipped'
              : 'JPEG encoding failed',
          );
        }
        continue;
      }

      const startedAt = performance.now();
      let composite: Uint8Array;
      try {
        composite = await service.getMask(jpeg, options.mask, options.call);
      } catch (error) {
        const { name, message } = error as Error;
        if (name === 'ClientClosed') break;
        figures.recordFailure(error as Error);
        if (CONFIGURATION_ERRORS.has(name)) {
          figures.setServerState({ type: 'misconfigured', message: `${name}: ${message}` });
          throw new ServerRejectsRequestsError(
            `the server refuses the node's requests (${name}: ${message}); ` +
              'check ~classes, ~score_threshold and that ~server is this project’s server',
            { cause: error },
          );
        }
        if (FRAME_ERRORS.has(name)) {
          if (!reported.has(name)) {
            reported.add(name);
            log.error({ err: error }, 'the server cannot take a camera frame; it is skipped');
          }
          continue;
        }
        const retryInMs = backoff.next();
        figures.setServerState({
          type: 'backingOff',
          reason: name,
          failures: backoff.failures,
          retryInMs,
        });
        // Logged once per outage, and again only if it turns from overloaded to silent or back.
        const kind = name === 'Overloaded' ? 'overloaded' : 'unanswered';
        const changed = !outage || outage.kind !== kind;
        outage = outage
          ? { ...outage, failures: outage.failures + 1, kind }
          : { since: Date.now(), failures: 1, kind };
        if (changed)
          log.warn(
            { err: error, retryInMs },
            kind === 'overloaded'
              ? 'the server is overloaded; backing off, then going on with the newest frames'
              : 'the server did not answer; going on with the newest frames',
          );
        // The node stopping cuts the wait short (the abort rejects; nothing else can).
        await sleep(retryInMs, undefined, { signal: options.signal }).catch(() => {});
        continue;
      }
      figures.recordReply(performance.now() - startedAt);
      backoff.reset();
      figures.setServerState({ type: 'connected' });
      if (outage) {
        log.info(
          { outageMs: Date.now() - outage.since, failedFrames: outage.failures },
          'the server answers again',
        );
        outage = undefined;
      }
      onFirstReply?.();
      onFirstReply = undefined;
      if (number < shown) {
        figures.recordStale();
        continue;
      }
      shown = number;
      displays.show({ jpeg: composite, source: frame });
    }
  };

  const lanes: Promise<void>[] = [];
  const open = (count: number) => {
    for (let i = lanes.length; i < Math.min(count, MAX_IN_FLIGHT); i++) lanes.push(lane());
  };
  const inFlight = options.inFlight ?? 1;
  if (inFlight > 0) open(inFlight);
  else {
    // As many as the server has workers, learnt once it answers (it may not be up yet).
    lanes.push(
      lane(() => {
        service.info(options.call).then(
          ({ workers }) => {
            log.info({ inFlight: workers ?? 1 }, 'calls kept in flight: one per server worker');
            open(workers ?? 1);
          },
          (error) => log.warn({ err: error }, 'server info unavailable; one call in flight'),
        );
      }),
    );
  }
  try {
    // Lanes opened while waiting join the wait.
    for (let waited = 0; waited < lanes.length; ) {
      waited = lanes.length;
      await Promise.all(lanes);
    }
  } catch (error) {
    stopped = true;
    slot.close();
    throw error;
  }
  if (fatal) throw fatal;
}
