/**
 * What the robot client itself costs per 640×400 frame, next to what the server takes:
 *
 *   ROS receive   CPU time this process spends per frame that Debian's image_publisher sends
 *                 it at 30 Hz over TCPROS (socket reads, message assembly, Image decode)
 *   pixels        the frame's bytes as the encoder reads them (bgr8: no copy, no reordering)
 *   JPEG encode   bgr8 → JPEG (libjpeg-turbo), as the loop does it
 *   call overhead getMask round trip against a ROUTER that answers at once with a composite
 *                 of the usual size (ZeroMQ, msgpack, heartbeats, bookkeeping)
 *   server        getMask round trip against the real server on the embedded model
 *   pipelining    composites per second of the loop itself (camera → slot → encode → getMask →
 *                 display) against a server with a worker per core, next to that server's own
 *                 capacity (as many callers as calls out, sending a ready JPEG back to back);
 *                 the two are run in turn, and the ratio is the median of the pairs
 *
 * Run: npx tsc -b robot-client && node robot-client/dist/bench/client-cost.js [frames] [seconds per pipelining run]
 * Needs Debian's rosmaster; the server part needs server/dist (npx tsc -b server).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { VisionClient } from '@maskrcnn-zmq/shared';
import { pino } from 'pino';
import sharp from 'sharp';
import type { RosHeader } from '../src/camera/image-wire.js';
import { imageClass } from '../src/camera/image-wire.js';
import { type RawFrame, toRawFrame } from '../src/camera/subscribe.js';
import type { Display } from '../src/display/display.js';
import { encodeJpeg } from '../src/encode/jpeg.js';
import { framePixels } from '../src/encode/pixels.js';
import { Figures } from '../src/figures.js';
import { encodeFrame, runLoop } from '../src/loop.js';
import { LatestSlot } from '../src/slot/latest-slot.js';
import { LoggedProcess } from '../test/helpers/processes.js';
import {
  freePort,
  joinRos,
  photo,
  SERVER_MAIN,
  startMaster,
  startServer,
} from '../test/helpers/ros.js';
import { startStandInServer } from '../test/helpers/stand-in-server.js';
import { sleep } from '../test/helpers/wait.js';

const FRAMES = Number(process.argv[2] ?? 60);
const WIDTH = 640;
const HEIGHT = 400;
/** Seconds of each pipelining run. */
const PIPELINE_S = Number(process.argv[3] ?? 5);
/** Loop and capacity runs taken in turn, per `~in_flight`: the ratio is the median of the pairs. */
const PIPELINE_ROUNDS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeEach(runs: number, run: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 10; i++) await run(); // warm-up: let the JIT optimise the hot loops
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** A real photo at 640×400 as a Baxter-like bgr8 frame. */
async function cameraFrame(): Promise<RawFrame> {
  const { data } = await sharp(photo('000000000599.jpg'))
    .resize(WIDTH, HEIGHT, { fit: 'fill' })
    .recomb([
      [0, 0, 1],
      [0, 1, 0],
      [1, 0, 0],
    ])
    .raw()
    .toBuffer({ resolveWithObject: true });
  const header = { seq: 0, stamp: { secs: 0, nsecs: 0 }, frame_id: 'right_hand_camera' };
  return toRawFrame({
    header,
    height: HEIGHT,
    width: WIDTH,
    encoding: 'bgr8',
    is_bigendian: 0,
    step: WIDTH * 3,
    data,
  });
}

/**
 * Debian's image_publisher (C++) sends the frame at 30 Hz; the cost of receiving is the CPU time
 * this process spends per frame, and the latency is the header stamp to the callback.
 */
async function rosReceive(): Promise<{ cpuMs: number; latencyMs: number; frames: number }> {
  const master = await startMaster();
  const file = join(mkdtempSync(join(tmpdir(), 'client-cost-')), 'camera.png');
  await sharp(photo('000000000599.jpg')).resize(WIDTH, HEIGHT, { fit: 'fill' }).png().toFile(file);
  const camera = new LoggedProcess(
    '/usr/lib/image_publisher/image_publisher',
    [file, '~image_raw:=/bench/image', '_publish_rate:=30', '__name:=bench_camera'],
    master.env,
  );
  const node = await joinRos(master.env, 'client_cost_bench');
  try {
    let frames = 0;
    const latencies: number[] = [];
    node.subscribe('/bench/image', 'sensor_msgs/Image', (message) => {
      const { stamp } = message.header as RosHeader;
      latencies.push(Date.now() - (stamp.secs * 1000 + stamp.nsecs / 1e6));
      frames++;
    });
    while (frames < 10) await sleep(50);
    const [startFrames, startCpu] = [frames, process.cpuUsage()];
    latencies.length = 0;
    await sleep((FRAMES / 30) * 1000);
    const cpu = process.cpuUsage(startCpu);
    const received = frames - startFrames;
    return {
      cpuMs: (cpu.user + cpu.system) / 1000 / received,
      latencyMs: median(latencies),
      frames: received,
    };
  } finally {
    await node.shutdown();
    await camera.stop();
    await master.stop();
  }
}

/** The Image codec alone, on a serialized message. */
async function decodeMs(frame: RawFrame): Promise<number> {
  const Image = imageClass({ datatype: () => '', md5sum: () => '', messageDefinition: () => '' });
  const message = { ...frame, is_bigendian: 0 } as unknown as Record<string, unknown>;
  const buffer = Buffer.alloc(Image.getMessageSize(message));
  Image.serialize(message, buffer, 0);
  return timeEach(FRAMES, async () => Image.deserialize(buffer));
}

const frame = await cameraFrame();
const jpeg = await encodeFrame(frame, 80);
const receive = await rosReceive();
const decode = await decodeMs(frame);
const pack = await timeEach(FRAMES, async () => framePixels(frame));
const pixels = framePixels(frame);
const encode = await timeEach(FRAMES, () => encodeJpeg(pixels, 80));

// The composite is about three times the request (masks and captions drawn, quality 85).
const composite = await sharp(jpeg).jpeg({ quality: 95 }).toBuffer();
const standIn = await startStandInServer(() => composite);
const quick = new VisionClient({ endpoint: standIn.endpoint });
const call = await timeEach(FRAMES, () => quick.getMask(jpeg, {}, { timeoutMs: 5000 }));
quick.close();
standIn.close();

let server: number | undefined;
let pipelining: Array<{ inFlight: number; loop: number; capacity: number; ratio: number }> = [];
if (existsSync(SERVER_MAIN)) {
  const port = await freePort();
  const process_ = await startServer(port);
  const real = new VisionClient({ endpoint: `tcp://127.0.0.1:${port}` });
  server = await timeEach(Math.min(FRAMES, 20), () =>
    real.getMask(jpeg, {}, { timeoutMs: 30_000 }),
  );
  real.close();
  await process_.stop('SIGTERM');
  pipelining = await measurePipelining(frame, jpeg);
}

// The loop waits on pixels, encode and the call in turn; frames are received meanwhile, while
// the call is out, so receiving costs CPU but does not lengthen the round trip.
const serial = pack + encode + call;
const perFrame = receive.cpuMs + serial;
const row = (name: string, ms: number, note = '') =>
  console.log(`${name.padEnd(28)}${ms.toFixed(2).padStart(9)} ms  ${note}`);
console.log(`robot client cost per ${WIDTH}×${HEIGHT} bgr8 frame (median of ${FRAMES})`);
row('ROS receive', receive.cpuMs, `(CPU per frame of ${receive.frames} from image_publisher)`);
row('  of which Image decode', decode, '(one-pass codec, pixels not copied)');
row('  stamp → callback', receive.latencyMs, '(latency, not cost: the slot hides it)');
row('pixels', pack, '(bgr8 handed to the encoder as it is)');
row('JPEG encode', encode, `(libjpeg-turbo, q80, ${jpeg.length} bytes)`);
row('call overhead', call, `(instant ROUTER, ${composite.length}-byte reply)`);
row('client CPU per frame', perFrame, '(all of the above)');
row('added to each round trip', serial, '(pixels + encode + call: what the loop waits on)');
if (server === undefined) {
  console.log('server round trip            (skipped: build the server with npx tsc -b server)');
} else {
  row('server round trip', server, '(getMask, embedded model, CPU)');
  const share = (100 * serial) / server;
  console.log(
    `client adds ${share.toFixed(1)} % to the server's round trip (limit 5 %): ` +
      `${share <= 5 ? 'PASS' : 'FAIL'}; its CPU per frame, receiving included, is ` +
      `${((100 * perFrame) / server).toFixed(1)} % of the round trip`,
  );
}
for (const { inFlight, loop, capacity, ratio } of pipelining) {
  console.log(
    `loop with ~in_flight ${inFlight}: ${loop.toFixed(1)} composites/s; the server's capacity ` +
      `${capacity.toFixed(1)}/s; ratio ${ratio.toFixed(2)}` +
      (inFlight === availableParallelism()
        ? ` (target ≥ 0.95): ${ratio >= 0.95 ? 'PASS' : 'FAIL'}`
        : ''),
  );
}
process.exit(0);

/**
 * The loop against a server with a worker per core, fed 640×400 frames at 60 Hz, with one call in
 * flight, one per worker (the default) and one more; and the server's capacity measured the same
 * way but with a JPEG ready and no loop around it. Each `~in_flight` takes
 * {@link PIPELINE_ROUNDS} pairs of {@link PIPELINE_S}-second runs, the two going first in turn,
 * so that the machine's drifts fall on both sides of a ratio.
 */
async function measurePipelining(
  source: RawFrame,
  ready: Uint8Array,
): Promise<Array<{ inFlight: number; loop: number; capacity: number; ratio: number }>> {
  const workers = availableParallelism();
  const port = await freePort();
  const process_ = await startServer(port, ['--workers', String(workers), '--threads', '1']);
  const endpoint = `tcp://127.0.0.1:${port}`;
  const results = [];
  for (const inFlight of [1, workers, workers + 1]) {
    const loops: number[] = [];
    const capacities: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < PIPELINE_ROUNDS; round++) {
      let loop: number;
      let capacity: number;
      if (round % 2 === 0) {
        loop = await loopRate(endpoint, source, inFlight);
        capacity = await capacityRate(endpoint, ready, inFlight);
      } else {
        capacity = await capacityRate(endpoint, ready, inFlight);
        loop = await loopRate(endpoint, source, inFlight);
      }
      loops.push(loop);
      capacities.push(capacity);
      ratios.push(loop / capacity);
    }
    results.push({
      inFlight,
      loop: median(loops),
      capacity: median(capacities),
      ratio: median(ratios),
    });
  }
  await process_.stop('SIGTERM');
  return results;
}

/** getMask answers a second with `callers` callers sending a ready JPEG back to back. */
async function capacityRate(endpoint: string, ready: Uint8Array, callers: number): Promise<number> {
  const clients = Array.from({ length: callers }, () => new VisionClient({ endpoint }));
  await Promise.all(clients.map((client) => client.getMask(ready))); // connected, warm
  const until = performance.now() + PIPELINE_S * 1000;
  let answered = 0;
  await Promise.all(
    clients.map(async (client) => {
      for (; performance.now() < until; answered++) await client.getMask(ready);
    }),
  );
  for (const client of clients) client.close();
  return answered / PIPELINE_S;
}

/** Composites shown a second by the loop with `inFlight` calls out, the camera at 60 Hz. */
async function loopRate(endpoint: string, source: RawFrame, inFlight: number): Promise<number> {
  const slot = new LatestSlot<RawFrame>();
  const figures = new Figures(slot);
  const client = new VisionClient({ endpoint });
  let shown = 0;
  const display: Display = { name: 'topic', show: () => void shown++, close: async () => {} };
  let seq = 0;
  const camera = setInterval(
    () => slot.put({ ...source, header: { ...source.header, seq: ++seq } }),
    1000 / 60,
  );
  const loop = runLoop({
    slot,
    service: client,
    displays: [display],
    figures,
    log: pino({ level: 'silent' }),
    jpegQuality: 80,
    mask: {},
    call: { timeoutMs: 30_000 },
    inFlight,
  });
  await sleep(1000); // the first calls: connection, the server's info()
  const from = shown;
  await sleep(PIPELINE_S * 1000);
  const rate = (shown - from) / PIPELINE_S;
  clearInterval(camera);
  slot.close();
  await loop;
  client.close();
  return rate;
}
