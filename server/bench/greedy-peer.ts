/**
 * A peer that floods getMask and never reads a reply, as its own process (`ScriptProcess`), so
 * that its sending does not slow the honest callers' event loop in the test's process: the test
 * then measures the server's fairness, not its own.
 *
 * Run: node greedy-peer.js ENDPOINT IMAGE_FILE; it sends a call every 5 ms until its standard
 * input closes, then prints how many it sent.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeEvent, newMessageId, requestHeader } from '@maskrcnn-zmq/shared';
import { Dealer } from 'zeromq';
import { stopWhenInputCloses } from './script-process.js';

const [endpoint, imageFile] = process.argv.slice(2);
const image = readFileSync(imageFile);
const greedy = new Dealer({ linger: 0, sendHighWaterMark: 100_000 });
greedy.connect(endpoint);
const stop = stopWhenInputCloses();
let sent = 0;
while (!stop.aborted) {
  const event = { header: requestHeader(newMessageId()), name: 'getMask', args: [image] };
  await greedy.send([Buffer.alloc(0), encodeEvent(event)]);
  sent++;
  // 200 calls a second, several times what the worker serves: a flood, not a loopback benchmark.
  await sleep(5);
}
greedy.close();
process.stdout.write(`${sent}\n`);
