import type { CallOptions, GetMaskOptions } from '@maskrcnn-zmq/shared';
import type { Logger } from 'pino';
import type { RawFrame } from './camera/subscribe.js';
import type { Display } from './display/display.js';
import { encodeJpeg } from './encode/jpeg.js';
import { MalformedFrameError, packPixels, UnsupportedEncodingError } from './encode/pixels.js';
import type { Figures } from './figures.js';
import type { LatestSlot } from './slot/latest-slot.js';

/** What the loop needs of the server: `VisionClient` has it. */
export interface MaskService {
  getMask(image: Uint8Array, options?: GetMaskOptions, call?: CallOptions): Promise<Uint8Array>;
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
}

/** JPEG bytes of one camera frame, ready to send. */
export async function encodeFrame(frame: RawFrame, quality: number): Promise<Buffer> {
  return encodeJpeg(packPixels(frame), quality);
}

/**
 * take → encode → getMask → show, one call in flight, until the slot closes. Each turn takes
 * the newest frame, so the loop runs as fast as the server answers and never falls behind.
 * A failed frame is counted and the loop goes on: after a timeout or a lost server the client
 * has already switched to a fresh socket, so the next call reaches a restarted server.
 * Failures are logged once per kind of frame problem, and once per outage of the server, with
 * one line when it answers again.
 */
export async function runLoop(options: LoopOptions): Promise<void> {
  const { slot, service, displays, figures, log } = options;
  const reported = new Set<string>();
  let outage: { since: number; failures: number } | undefined;

  for (let frame = await slot.take(); frame; frame = await slot.take()) {
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
          frameProblem ? 'camera frames cannot be read; they are skipped' : 'JPEG encoding failed',
        );
      }
      continue;
    }

    const startedAt = performance.now();
    let composite: Uint8Array;
    try {
      composite = await service.getMask(jpeg, options.mask, options.call);
    } catch (error) {
      if ((error as Error).name === 'ClientClosed') return;
      figures.recordFailure(error as Error);
      if (outage) outage.failures++;
      else {
        outage = { since: Date.now(), failures: 1 };
        log.warn({ err: error }, 'the server did not answer; going on with the newest frames');
      }
      continue;
    }
    figures.recordReply(performance.now() - startedAt);
    if (outage) {
      log.info(
        { outageMs: Date.now() - outage.since, failedFrames: outage.failures },
        'the server answers again',
      );
      outage = undefined;
    }
    for (const display of displays) display.show({ jpeg: composite, source: frame });
  }
}
