/**
 * What the node does with the server's replies, end to end:
 *
 *   test node ── zebra photo, rgb8, 5 Hz ──► client node ── getMask(jpeg, {scoreThreshold, classes}) ──►
 *                                                          stand-in (scripted ERR) | real server
 *             ◄── ~composite/compressed ──┘
 *
 * A server that refuses the requests (BadRequest: a misspelt ~classes) stops the node with
 * status 1 and the server's message; so does a node left with no display. ~classes and
 * ~score_threshold reach the real server: classes:=[zebra] draws on the zebra photo, a
 * threshold of 1 draws nothing. A call that times out leaves no work on the real server.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { VisionClient } from '@maskrcnn-zmq/shared';
import type { RosNode } from '../../src/camera/ros-node.js';
import { defaultHeartbeatMs } from '../../src/params.js';
import { photoMessage } from '../helpers/frames.js';
import { meanDifference } from '../helpers/images.js';
import { namesIn, systemState } from '../helpers/master-state.js';
import { firstReason, needsModel, needsRosMaster } from '../helpers/needs.js';
import type { LoggedProcess } from '../helpers/processes.js';
import {
  freePort,
  joinRos,
  type Master,
  photo,
  startClient,
  startMaster,
  startServer,
} from '../helpers/ros.js';
import { startStandInServer } from '../helpers/stand-in-server.js';
import { sleep, until } from '../helpers/wait.js';

const ZEBRA = photo('000000000034.jpg');
let master: Master;
let node: RosNode;
let camera: NodeJS.Timeout | undefined;
let server: LoggedProcess | undefined;
let serverPort = 0;
const clients: LoggedProcess[] = [];
const closers: (() => void)[] = [];

const withRos = { skip: needsRosMaster() };
const withRosAndModel = { skip: firstReason(needsRosMaster(), needsModel()) };

before(async () => {
  if (withRos.skip) return;
  master = await startMaster();
  node = await joinRos(master.env, 'replies_camera');
  const image = await photoMessage(ZEBRA);
  const publisher = node.advertise('/cameras/right_hand_camera/image', 'sensor_msgs/Image');
  camera = setInterval(() => publisher.publish(image), 200);
});

after(async () => {
  clearInterval(camera);
  for (const client of clients) await client.stop('SIGKILL');
  for (const close of closers) close();
  await server?.stop();
  await node?.shutdown();
  await master?.stop();
});

function client(name: string, params: Record<string, string | number>, env = master.env) {
  const started = startClient(env, name, { display: 'topic', figures_period_s: 0, ...params });
  clients.push(started);
  return started;
}

/** Waits for the exit; 'hung' after `ms`. */
const exitOf = (process: LoggedProcess, ms: number) =>
  Promise.race([process.exited, sleep(ms).then(() => 'hung' as const)]);

async function realServer(): Promise<string> {
  if (!server) {
    serverPort = await freePort();
    server = await startServer(serverPort);
  }
  return `tcp://127.0.0.1:${serverPort}`;
}

test(
  'client node: the server answers BadRequest: it logs the message, unregisters, exits 1',
  withRos,
  async () => {
    const scripted = await startStandInServer(() => ({
      err: ['BadRequest', 'classes: "zebar" is not a COCO class'],
    }));
    closers.push(scripted.close);
    const bad = client('bad_request_client', { server: scripted.endpoint });
    assert.equal(await exitOf(bad, 30_000), 1, bad.tail.join('\n'));
    const fatal = bad.lines.find((line) => line.level === 60);
    assert.match(String(fatal?.msg), /BadRequest: classes: "zebar" is not a COCO class/);
    assert.equal(scripted.callTimes.length, 1, 'no second call after a refusal');
    const state = await systemState(master.port);
    assert.ok(!namesIn(state).includes('/bad_request_client'), `still registered: ${state}`);
  },
);

test(
  'client node: Overloaded backs off: the calls are spaced, the figures say backingOff',
  withRos,
  async () => {
    // Refused 5 times, then answered.
    const scripted = await startStandInServer((image, n) =>
      n < 5 ? { err: ['Overloaded', 'the queue is full'] } : image,
    );
    closers.push(scripted.close);
    const busy = client('overloaded_client', { server: scripted.endpoint, figures_period_s: 0.2 });
    await until(() => scripted.callTimes.length >= 6, 30_000, '6 calls').catch((error) => {
      throw new Error(`${error.message}; ${busy.tail.join('\n')}`);
    });
    // The camera sends every 200 ms; backoff waits of 125–250, 250–500, 500–1000, 1000–2000 ms.
    const gaps = scripted.callTimes.slice(1, 6).map((at, i) => at - scripted.callTimes[i]);
    assert.ok(gaps[3] >= 500 && gaps[4] >= 1000, `gaps ${gaps}`);
    const states = busy.lines
      .filter((line) => line.msg === 'figures')
      .map((line) => (line.figures as { server: { type: string; reason?: string } }).server);
    assert.ok(states.some((state) => state.type === 'backingOff' && state.reason === 'Overloaded'));
    await until(
      () => busy.lines.some((line) => line.msg === 'the server answers again'),
      5000,
      'the recovery line',
    );
    assert.equal(
      busy.lines.filter((line) => /^the server is overloaded/.test(String(line.msg))).length,
      1,
    );
    await busy.stop('SIGINT');
    assert.equal(busy.child.exitCode, 0);
  },
);

test(
  'client node: no display can start: one clear message, exit 1, no call made',
  withRos,
  async () => {
    const scripted = await startStandInServer((image) => image);
    closers.push(scripted.close);
    const { DISPLAY: _, ...env } = master.env;
    const lonely = client('lonely_client', { server: scripted.endpoint, display: 'window' }, env);
    assert.equal(await exitOf(lonely, 30_000), 1, lonely.tail.join('\n'));
    const fatal = lonely.lines.find((line) => line.level === 60);
    assert.match(String(fatal?.msg), /^no display is left/);
    assert.equal(scripted.callTimes.length, 0);
  },
);

test(
  'client node, real server: a misspelt ~classes gets BadRequest and exits 1',
  withRosAndModel,
  async () => {
    const endpoint = await realServer();
    const bad = client('misspelt_client', { server: endpoint, classes: '[zebar]' });
    assert.equal(await exitOf(bad, 60_000), 1, bad.tail.join('\n'));
    const fatal = bad.lines.find((line) => line.level === 60);
    assert.match(
      String(fatal?.msg),
      /the server refuses the node's requests \(BadRequest: .*zebar/,
    );
  },
);

/** The first composite the named client publishes. */
async function firstComposite(name: string, params: Record<string, string | number>) {
  const composites: Buffer[] = [];
  const subscription = node.subscribe(
    `/${name}/composite/compressed`,
    'sensor_msgs/CompressedImage',
    (message) => composites.push(Buffer.from(message.data as Uint8Array)),
  );
  const started = client(name, { server: await realServer(), ...params });
  try {
    await until(() => composites.length > 0, 90_000, `a composite from ${name}`);
  } catch (error) {
    throw new Error(`${(error as Error).message}; client said:\n${started.tail.join('\n')}`);
  } finally {
    await subscription.shutdown();
    await started.stop('SIGINT');
  }
  return composites[0];
}

test(
  'client node, real server: ~classes and ~score_threshold reach the server',
  withRosAndModel,
  async (t) => {
    const original = readFileSync(ZEBRA);
    const zebra = await firstComposite('zebra_client', { classes: '[zebra]' });
    const none = await firstComposite('threshold_client', {
      classes: '[zebra]',
      score_threshold: 1,
    });
    const drawn = await meanDifference(zebra, original);
    const undrawn = await meanDifference(none, original);
    t.diagnostic(
      `mean difference from the photo: classes [zebra] ${drawn}, threshold 1 ${undrawn}`,
    );
    assert.ok(drawn > undrawn + 5, `zebra ${drawn} vs threshold 1 ${undrawn}`);
    // Two JPEG generations (the client's q80, the server's composite) alone differ by ~10.
    assert.ok(undrawn < 15, `nothing drawn at threshold 1: ${undrawn}`);
  },
);

test('real server: a call that times out leaves no work behind', withRosAndModel, async () => {
  const endpoint = await realServer();
  const timeoutMs = 40;
  const vision = new VisionClient({
    endpoint,
    timeoutMs: 10_000,
    heartbeatMs: defaultHeartbeatMs(timeoutMs),
  });
  closers.push(() => vision.close());
  const before = await vision.info();
  const jpeg = readFileSync(ZEBRA);
  // The server's own deadline (the same 40 ms, from when the call reached it) may answer first.
  await assert.rejects(vision.getMask(jpeg, {}, { timeoutMs }), (error: Error) =>
    ['Timeout', 'DeadlineExceeded'].includes(error.name),
  );
  const check = new VisionClient({ endpoint, timeoutMs: 10_000 });
  closers.push(() => check.close());
  let info = await check.info();
  const deadline = Date.now() + 10_000;
  while (info.queue.waiting + info.queue.running > 0 && Date.now() < deadline) {
    await sleep(100);
    info = await check.info();
  }
  assert.equal(info.queue.waiting, 0);
  assert.equal(info.queue.running, 0);
  const abandoned = (c: typeof info.counters) => c.abandoned.deadline + c.abandoned.lostCaller;
  assert.ok(abandoned(info.counters) > abandoned(before.counters), JSON.stringify(info.counters));
});

test(
  'client node, real server: calls timing out at ~timeout_ms 40 leave no work behind',
  withRosAndModel,
  async () => {
    const endpoint = await realServer();
    const check = new VisionClient({ endpoint, timeoutMs: 10_000 });
    closers.push(() => check.close());
    const before = await check.info();
    const hasty = client('hasty_client', {
      server: endpoint,
      timeout_ms: 40,
      figures_period_s: 0.5,
    });
    await until(
      () =>
        hasty.lines.some(
          (line) => line.msg === 'the server did not answer; going on with the newest frames',
        ),
      30_000,
      'a timed-out call',
    );
    await sleep(2000);
    await hasty.stop('SIGINT');
    assert.equal(hasty.child.exitCode, 0);
    let info = await check.info();
    const deadline = Date.now() + 10_000;
    while (info.queue.waiting + info.queue.running > 0 && Date.now() < deadline) {
      await sleep(100);
      info = await check.info();
    }
    assert.deepEqual(
      { waiting: info.queue.waiting, running: info.queue.running },
      { waiting: 0, running: 0 },
    );
    const abandoned = (c: typeof info.counters) => c.abandoned.deadline + c.abandoned.lostCaller;
    assert.ok(abandoned(info.counters) > abandoned(before.counters), JSON.stringify(info.counters));
  },
);
