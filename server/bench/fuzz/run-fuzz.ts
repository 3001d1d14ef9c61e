/**
 * Sends hostile messages at a server over several DEALER sockets while an honest client checks,
 * now and then, that the server still answers. Every wait is bounded: sends time out, the run
 * stops at its deadline, stragglers get a few seconds; so a server that stops reading makes the
 * run end with a report instead of hanging it.
 *
 *   fuzz socket ×N --hostile message-->  server   (never waits for the reply)
 *   fuzz socket ×N <--OK | ERR | _zpc_hb-- server (read in the background, counted)
 *   honest client  --info()--> server --OK-->      (every second, its own process; must always succeed)
 *   fuzz socket ×N --_zerorpc_ping--> server --OK--> (after its last message: all were read)
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { BUILTIN, encodeEvent, newMessageId, requestHeader } from '@maskrcnn-zmq/shared';
import { Dealer } from 'zeromq';
import { photo } from '../../test/helpers.js';
import { ScriptProcess } from '../script-process.js';
import { HostileMessages, KINDS, selectKinds } from './hostile-messages.js';
import { type KindTally, type ReplyCounts, ReplyTally } from './reply-tally.js';

export interface FuzzOptions {
  /** The server, e.g. `tcp://127.0.0.1:38282`; loopback only. */
  endpoint: string;
  /** How many hostile messages to send. */
  messages: number;
  /** DEALER sockets to spread them over, round robin; also the number of sends in flight. */
  sockets: number;
  seed: number;
  /** Progress lines. */
  log?: (line: string) => void;
  /** Only these kinds or families (see `selectKinds`); default every kind, by weight. */
  kinds?: readonly string[];
  /** Stop sending after this long (default 5 minutes). */
  deadlineMs?: number;
  /** After the last send, wait this long at most for the replies still owed (default 5 s). */
  drainMs?: number;
  /** One honest `info()` this often (default 1 s), each with a 10 s deadline, from its own process. */
  livenessEveryMs?: number;
}

export interface HonestCalls {
  ok: number;
  failed: number;
  /** Failures by error name (`TimeoutError`, …). */
  errors: Record<string, number>;
  slowestMs: number;
}

export interface FuzzReport {
  sent: number;
  /** Sends that timed out because the server stopped taking messages; not counted as sent. */
  sendFailures: number;
  byKind: Record<string, KindTally>;
  /** Messages a sound server can answer, and how many it did answer. */
  answerable: number;
  answered: number;
  /**
   * Of the pings sent on each socket after its last message (one per socket), how many were
   * answered: one missing means the server never got through that socket's messages.
   */
  pingsAnswered: number;
  replies: ReplyCounts;
  honest: HonestCalls;
  elapsedMs: number;
  /** The deadline stopped the run before every message was sent. */
  stoppedEarly: boolean;
}

/** The coco128 zebra: the real JPEG that hostile kinds cut and patch. */
const ZEBRA = '000000000034.jpg';
/** Messages a socket may queue before a send waits; keeps memory bounded when the server stalls. */
const SEND_HIGH_WATER_MARK = 16;
const SEND_TIMEOUT_MS = 5000;
const LIVENESS_PROBE = fileURLToPath(new URL('./liveness-probe.js', import.meta.url));

/** Runs the fuzz and reports; never throws for what the server does. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { endpoint, messages, sockets: socketCount, log } = options;
  const started = performance.now();
  const deadline = started + (options.deadlineMs ?? 300_000);
  const kinds = options.kinds ? selectKinds(options.kinds) : KINDS;
  const generator = new HostileMessages(options.seed, { jpeg: readFileSync(photo(ZEBRA)) }, kinds);
  const tally = new ReplyTally();
  const sockets = Array.from({ length: socketCount }, () => {
    const socket = new Dealer({
      linger: 0,
      sendHighWaterMark: SEND_HIGH_WATER_MARK,
      sendTimeout: SEND_TIMEOUT_MS,
    });
    socket.connect(endpoint);
    return socket;
  });
  const reading = sockets.map(async (socket) => {
    try {
      for await (const frames of socket) tally.receive(frames);
    } catch {
      // The socket was closed under the read: the run is over.
    }
  });
  const liveness = new ScriptProcess(LIVENESS_PROBE, [
    endpoint,
    String(options.livenessEveryMs ?? 1000),
  ]);

  let sent = 0;
  let sendFailures = 0;
  let stoppedEarly = false;
  const every = Math.max(1, Math.round(messages / 10));
  await Promise.all(
    sockets.map(async (socket, lane) => {
      for (let index = lane; index < messages; index += socketCount) {
        if (performance.now() > deadline) {
          stoppedEarly = true;
          return;
        }
        const message = generator.at(index);
        tally.sending(message);
        try {
          await socket.send(message.frames);
          if (++sent % every === 0) {
            const { answerable, answered } = tally.progress;
            log?.(`sent ${sent}/${messages}; answered ${answered} of ${answerable} answerable`);
          }
        } catch {
          tally.unsent(message);
          sendFailures++;
        }
      }
    }),
  );

  // A ping closes each socket's run; until it is answered, its earlier messages may still be
  // queued in the socket, and closing it (linger 0) would discard them unsent.
  await Promise.all(
    sockets.map(async (socket) => {
      const id = newMessageId();
      tally.sendingBarrier(id);
      const ping = encodeEvent({ header: requestHeader(id), name: BUILTIN.ping, args: [] });
      await socket.send([Buffer.alloc(0), ping]).catch(() => {});
    }),
  );
  const drainUntil = performance.now() + (options.drainMs ?? 5000);
  while (performance.now() < drainUntil) {
    const { answerable, answered } = tally.progress;
    const barriers = tally.barrierProgress;
    if (answered >= answerable && barriers.answered >= barriers.sent) break;
    await sleep(50);
  }
  for (const socket of sockets) socket.close();
  await Promise.all(reading);
  const honest: HonestCalls = JSON.parse(await liveness.stop());
  return {
    sent,
    sendFailures,
    byKind: Object.fromEntries([...tally.byKind].sort(([a], [b]) => a.localeCompare(b))),
    ...tally.progress,
    pingsAnswered: tally.barrierProgress.answered,
    replies: tally.replies,
    honest,
    elapsedMs: performance.now() - started,
    stoppedEarly,
  };
}
