import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  decodeEvent,
  encodeEvent,
  type MessageId,
  newMessageId,
  requestHeader,
  responseHeader,
  VisionClient,
} from '@maskrcnn-zmq/shared';
import { encode } from '@msgpack/msgpack';
import { pino } from 'pino';
import { Dealer } from 'zeromq';
import type { VisionServer } from '../../src/server.js';
import { photo, startServer } from '../helpers.js';

const DELIMITER = Buffer.alloc(0);

/**
 * A raw DEALER that sends whatever frames a test builds and collects the events that come back,
 * by the message id they answer.
 *
 *   attacker --[frames…]--> server      (anything at all)
 *   attacker <--ERR [name, message]--   when the frames name a call; nothing otherwise
 */
class RawPeer {
  readonly socket = new Dealer({ linger: 0 });
  readonly replies = new Map<string, { name: string; args: unknown[] }>();
  private readonly loop: Promise<void>;

  constructor(endpoint: string) {
    this.socket.connect(endpoint);
    this.loop = (async () => {
      for await (const [, payload] of this.socket) {
        const event = decodeEvent(payload);
        if (event.name === '_zpc_hb') continue;
        this.replies.set(String(event.header.response_to), {
          name: event.name,
          args: event.args ?? [],
        });
      }
    })().catch(() => {});
  }

  send(frames: Uint8Array[]): Promise<void> {
    return this.socket.send(frames);
  }

  /** The reply to `id`, waiting up to `ms` for it. */
  async reply(id: MessageId, ms = 5000): Promise<{ name: string; args: unknown[] } | undefined> {
    const until = performance.now() + ms;
    while (!this.replies.has(String(id)) && performance.now() < until) await sleep(5);
    return this.replies.get(String(id));
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.loop;
  }
}

describe('server under hostile input', () => {
  const lines: string[] = [];
  let server: VisionServer;
  let honest: VisionClient;
  let attacker: RawPeer;
  const jpeg = readFileSync(photo('000000000034.jpg'));

  before(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    server = await startServer({ log: pino({ level: 'info' }, sink) });
    honest = new VisionClient({ endpoint: server.endpoint, timeoutMs: 20_000 });
    attacker = new RawPeer(server.endpoint);
  });
  after(async () => {
    honest.close();
    await attacker.close();
    await server.close();
  });

  /** How long an honest info() takes while `attack` runs; the attack's own outcome is returned too. */
  async function honestLatencyDuring<T>(attack: () => Promise<T>): Promise<[number, T]> {
    const outcome = attack();
    await sleep(1);
    const started = performance.now();
    await honest.info();
    return [performance.now() - started, await outcome];
  }

  it('keeps its receive loop after five 60 MB routing frames, and answers the same peer next', async () => {
    // Joining these into one peer key ended the old loop (ERR_STRING_TOO_LONG): silence for good.
    const frame = Buffer.alloc(60_000_000, 0x61);
    const ping = { header: requestHeader(newMessageId()), name: '_zerorpc_ping', args: [] };
    await attacker.send([frame, frame, frame, frame, frame, DELIMITER, encodeEvent(ping)]);
    const id = newMessageId();
    await attacker.send([DELIMITER, encodeEvent({ ...ping, header: requestHeader(id) })]);
    assert.deepEqual((await attacker.reply(id))?.args, [['pong', 'maskrcnn-zmq']]);
    const { counters } = await honest.info();
    assert.equal(counters.dropped['too-large'], 1);
  });

  it('tells base64 apart in linear time: 120 KB built to make a regex backtrack is refused at once', async () => {
    // This str blocked the old server for 15.4 s; every other caller got LostRemote.
    const hostile = `A${'\n'.repeat(120_000)}!`;
    const [honestMs, refused] = await honestLatencyDuring(async () => {
      const started = performance.now();
      const results = await Promise.all(
        [hostile, Buffer.from(hostile, 'latin1')].map((image) =>
          honest.getMask(image as Uint8Array).catch((error: Error) => error),
        ),
      );
      return { ms: performance.now() - started, results };
    });
    for (const result of refused.results) {
      assert.ok(result instanceof Error);
      assert.equal(result.name, 'InvalidImage');
    }
    assert.ok(refused.ms < 2000, `refused after ${refused.ms.toFixed(0)} ms`);
    assert.ok(honestMs < 1000, `an honest info() took ${honestMs.toFixed(0)} ms`);
  });

  it('refuses 15 MB of empty maps before building one, with BadRequest under the call’s id', async () => {
    const id = newMessageId();
    const maps = Buffer.alloc(15_000_000, 0x80); // 15 million empty maps
    const count = Buffer.alloc(4);
    count.writeUInt32BE(maps.length);
    const payload = Buffer.concat([
      Buffer.from([0x93]),
      encode(requestHeader(id)),
      encode('detect'),
      Buffer.from([0x91, 0xdd]), // args: [ array32 …
      count,
      maps,
    ]);
    const [honestMs, reply] = await honestLatencyDuring(async () => {
      await attacker.send([DELIMITER, payload]);
      return attacker.reply(id);
    });
    assert.equal(reply?.name, 'ERR');
    assert.equal(reply?.args[0], 'BadRequest');
    assert.match(String(reply?.args[1]), /an array of 15000000 entries/);
    assert.ok(honestMs < 1000, `an honest info() took ${honestMs.toFixed(0)} ms`);
  });

  it('answers every request it can name with BadRequest instead of silence', async () => {
    const id = () => newMessageId();
    const raw = (header: object, rest: Uint8Array) =>
      Buffer.concat([Buffer.from([0x93]), encode(header), rest]);
    const protoKey = Buffer.concat([
      encode('detect'),
      Buffer.from([0x92]),
      encode(jpeg),
      Buffer.from([0x81, 0xa9]),
      Buffer.from('__proto__'),
      Buffer.from([0x01]),
    ]);
    const cases: Array<[string, MessageId, Uint8Array, RegExp]> = [];
    const add = (what: string, build: (id: MessageId) => Uint8Array, message: RegExp) => {
      const messageId = id();
      cases.push([what, messageId, build(messageId), message]);
    };
    add('a name that is not a str', (m) => encode([requestHeader(m), 7, []]), /name must be a str/);
    add('args that are not a list', (m) => encode([requestHeader(m), 'info', 'x']), /args must be/);
    add('an option map with __proto__', (m) => raw(requestHeader(m), protoKey), /__proto__/);
    add(
      'a new call with response_to',
      (m) => encode([{ ...requestHeader(m), response_to: 'x' }, 'info', []]),
      /must not carry response_to/,
    );
    add(
      'a timeout_ms that is not a number',
      (m) => encode([{ ...requestHeader(m), timeout_ms: 'soon' }, 'info', []]),
      /timeout_ms must be a positive number/,
    );
    for (const [, , payload] of cases) await attacker.send([DELIMITER, payload]);
    // Envelopes no zerorpc peer sends: the answer goes to the sender alone, as ["", ERR].
    const info = (messageId: MessageId) =>
      encodeEvent({ header: requestHeader(messageId), name: 'info', args: [] });
    const extraFrames = id();
    const frames = Array.from({ length: 6 }, () => Buffer.from('extra'));
    await attacker.send([...frames, DELIMITER, info(extraFrames)]);
    cases.push([
      'six frames before the delimiter',
      extraFrames,
      info(extraFrames),
      /6 frames before the delimiter/,
    ]);
    const noDelimiter = id();
    await attacker.send([info(noDelimiter)]);
    cases.push([
      'no delimiter',
      noDelimiter,
      info(noDelimiter),
      /without an empty delimiter frame/,
    ]);
    for (const [what, messageId, , message] of cases) {
      const reply = await attacker.reply(messageId);
      assert.equal(reply?.name, 'ERR', what);
      assert.equal(reply?.args[0], 'BadRequest', what);
      assert.match(String(reply?.args[1]), message, what);
    }
  });

  it('counts 2,000 one-byte messages as drops and logs a line or two, not 2,000 stack traces', async () => {
    const before = lines.length;
    const dropsBefore = (await honest.info()).counters.dropped['not-msgpack'] ?? 0;
    for (let i = 0; i < 2000; i++) await attacker.send([DELIMITER, Buffer.from([0xc1])]);
    await attacker.send([
      DELIMITER,
      encodeEvent({ header: responseHeader(newMessageId()), name: '_zpc_hb', args: [0] }),
    ]);
    await sleep(200);
    const { counters } = await honest.info();
    assert.equal(counters.dropped['not-msgpack'] - dropsBefore, 2000);
    const logged = lines.slice(before);
    const drops = logged.filter((line) => line.includes('message dropped'));
    assert.ok(drops.length <= 2, `${drops.length} lines about drops`);
    assert.ok(drops.join('').length < 2000, `${drops.join('').length} bytes of log`);
    const written = logged.join('');
    assert.doesNotMatch(written, /at \w+ \(/, 'no stack trace');
  });

  it('still answers a correct getMask after all of the above', async () => {
    const composite = await honest.getMask(jpeg);
    assert.deepEqual([...composite.subarray(0, 3)], [0xff, 0xd8, 0xff]);
  });
});
