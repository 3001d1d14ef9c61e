/**
 * Many honest clients calling as fast as their replies come back, for a fixed time: each
 * loops getMask over the photos (detect without masks on every 4th call) and checks that every
 * reply belongs to the photo it sent. Reports what a server under load must get right — no
 * reply lost, none delivered to the wrong caller — and what it costs: latency and throughput.
 *
 *   client ×N --getMask(photo k)--> server --OK composite--> client: JPEG of photo k's size?
 *   client ×N --detect(photo k)---> server --OK detections--> client: photo k's instances?
 */
import { LostRemoteError, OverloadedError, TimeoutError, VisionClient } from '@maskrcnn-zmq/shared';
import { Stats } from '../stats.js';
import type { Photo } from './photos.js';
import { Reference } from './reference.js';

export interface LoadOptions {
  /** The server, e.g. `tcp://127.0.0.1:38282`. */
  endpoint: string;
  /** Concurrent clients, each with its own socket and one call in flight. */
  clients: number;
  /** How long clients keep starting calls; calls in flight then finish. */
  seconds: number;
  images: readonly Photo[];
  /** Every this many calls of a client is a detect (default 4). */
  detectEvery?: number;
}

export interface LoadReport {
  clients: number;
  calls: number;
  ok: number;
  /** Calls that timed out or lost the server's heartbeats: replies that never came. */
  lost: number;
  /** Replies that were not the answer to the photo sent. */
  misrouted: number;
  /** The first few misrouted replies, described. */
  misroutes: string[];
  overloaded: number;
  /** Other failures by error name. */
  errors: Record<string, number>;
  /** Of the calls answered OK. */
  p50Ms: number;
  p99Ms: number;
  /** OK replies per second. */
  throughput: number;
  elapsedMs: number;
}

const CALL_TIMEOUT_MS = 60_000;
const MISROUTES_KEPT = 10;

/** Runs the load; the references are measured first, with one client, before the clock starts. */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const { endpoint, clients, images } = options;
  const detectEvery = options.detectEvery ?? 4;
  const probe = new VisionClient({ endpoint, timeoutMs: CALL_TIMEOUT_MS });
  const references = await Reference.of(probe, images).finally(() => probe.close());

  const report: LoadReport = {
    clients,
    calls: 0,
    ok: 0,
    lost: 0,
    misrouted: 0,
    misroutes: [],
    overloaded: 0,
    errors: {},
    p50Ms: 0,
    p99Ms: 0,
    throughput: 0,
    elapsedMs: 0,
  };
  const latency = new Stats();
  const started = performance.now();
  const until = started + options.seconds * 1000;
  const callers = Array.from(
    { length: clients },
    () => new VisionClient({ endpoint, timeoutMs: CALL_TIMEOUT_MS }),
  );
  await Promise.all(
    callers.map(async (client, c) => {
      // Clients start at different photos and call kinds, so the server sees a mix at once.
      for (let i = c; performance.now() < until; i++) {
        const which = i % images.length;
        const reference = references[which];
        const callStarted = performance.now();
        report.calls++;
        try {
          const mismatch =
            i % detectEvery === 0
              ? reference.mismatchOfDetect(
                  await client.detect(images[which].bytes, { masks: false }),
                )
              : await reference.mismatchOfComposite(await client.getMask(images[which].bytes));
          if (mismatch === undefined) {
            report.ok++;
            latency.add({ ms: performance.now() - callStarted });
          } else {
            report.misrouted++;
            if (report.misroutes.length < MISROUTES_KEPT) report.misroutes.push(mismatch);
          }
        } catch (error) {
          if (error instanceof TimeoutError || error instanceof LostRemoteError) report.lost++;
          else if (error instanceof OverloadedError) report.overloaded++;
          else {
            const name = (error as Error).name;
            report.errors[name] = (report.errors[name] ?? 0) + 1;
          }
        }
      }
    }),
  );
  for (const client of callers) client.close();
  report.elapsedMs = performance.now() - started;
  report.throughput = report.ok / (report.elapsedMs / 1000);
  if (report.ok > 0) {
    report.p50Ms = latency.percentile('ms', 50);
    report.p99Ms = latency.percentile('ms', 99);
  }
  return report;
}
