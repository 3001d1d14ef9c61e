/**
 * `npm run bench`: what one frame costs, stage by stage, in-process and through the server,
 * every ratio measured side by side in this run on this machine.
 *
 * 1. The eval workload in-process (every coco128 photo, all detections, masks, RLE), against
 *    the model graphs' own time in the same runs: the floor this code can reach.
 * 2. getMask on the 640×480 photos: in-process per stage (what surrounds the model, against the
 *    model), each run followed by the same call through each of the server's doors over
 *    loopback; a door's ratio is the median of its round trip over the in-process run, photo by
 *    photo, so the machine's slow drifts cancel.
 * 3. Frames per second through the server with 1 and 4 concurrent clients.
 *
 * The server of steps 2 and 3 is a process started as `npm start` starts it (its malloc tunable
 * and V8 flag included), so the figures are those its users get.
 *
 * Flags: --images N (coco128 photos for step 1, default all), --seconds S (per fps run, default
 * 10), --threads N (onnxruntime threads, default the core count), --execution-provider cpu|cuda,
 * --precision float|int8|int8-heads (default float), --json FILE (the figures and the machine,
 * for BENCHMARKS.md and later comparison).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { PRECISIONS, type Precision } from '@maskrcnn-zmq/models';
import { MaskRcnnPipeline } from '../src/inference/pipeline.js';
import type { InferenceOptions } from '../src/inference/types.js';
import { type Job, timingsOf } from '../src/jobs/job.js';
import { runJob } from '../src/jobs/run-job.js';
import { COCO_DIR } from '../test/helpers.js';
import { type DoorCaller, grpcCaller, httpCaller, zmqCaller } from './figures/door-callers.js';
import { describeMachine } from './figures/machine.js';
import { modelDirOf } from './figures/model-dir.js';
import { atMost, type Checked, describeCheck } from './figures/targets.js';
import { freePort, ServerProcess } from './server-process.js';
import { Stats } from './stats.js';

const { values } = parseArgs({
  options: {
    images: { type: 'string' },
    seconds: { type: 'string', default: '10' },
    threads: { type: 'string', default: String(availableParallelism()) },
    'execution-provider': { type: 'string', default: 'cpu' },
    precision: { type: 'string', default: 'float' },
    json: { type: 'string' },
  },
});
const threads = Number(values.threads);
const precision = values.precision as Precision;
if (!PRECISIONS.includes(precision))
  throw new Error(`--precision must be ${PRECISIONS.join(', ')}, got ${values.precision}`);
const modelDir = await modelDirOf(precision);
const executionProvider = values['execution-provider'] === 'cuda' ? 'cuda' : 'cpu';
const seconds = Number(values.seconds);
const dataset = JSON.parse(readFileSync(`${COCO_DIR}/instances.json`, 'utf8')) as {
  images: Array<{ file_name: string; width: number; height: number }>;
};
const read = (file: string) => readFileSync(`${COCO_DIR}/images/${file}`);
const all = dataset.images
  .map((image) => read(image.file_name))
  .slice(0, Number(values.images ?? Infinity));
const vga = dataset.images
  .filter((i) => i.width === 640 && i.height === 480)
  .map((i) => read(i.file_name));
const MAX_PIXELS = 50_000_000;
/** Passes over the 640×480 photos in step 2: enough pairs that a noisy machine's spikes wash out. */
const PASSES = 3;

const machine = describeMachine();
console.log(
  `maskrcnn-zmq bench, ${new Date().toISOString().slice(0, 10)}, commit ${machine.commit}\n` +
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; Node ${machine.node}, ` +
    `onnxruntime ${machine.onnxruntime}, sharp ${machine.sharp} (libvips ${machine.libvips}); ` +
    `${executionProvider}, ${threads} onnxruntime threads, ${precision} graphs`,
);
/** The server as its users run it: a process started as `npm start` starts it. */
const startAsNpmStartDoes = (workers: number, workerThreads: number, more: string[] = []) =>
  ServerProcess.start({
    modelDir,
    flags: [
      '--precision',
      precision,
      '--execution-provider',
      executionProvider,
      '--queue',
      '64',
      '--workers',
      String(workers),
      '--threads',
      String(workerThreads),
      ...more,
    ],
  });
const pipeline = await MaskRcnnPipeline.load(modelDir, { threads, executionProvider, precision });
await pipeline.warmUp();
const inProcess = async (job: Job) => timingsOf(await runJob(pipeline, job, MAX_PIXELS));

// 1. The eval workload, in-process.
const evalOptions: InferenceOptions = { scoreThreshold: 0, maxDetections: 100, masks: true };
const evalStats = new Stats();
for (const image of all)
  evalStats.add(await inProcess({ type: 'detect', image, inference: evalOptions }));
const evalFigures = {
  photos: all.length,
  meanMs: evalStats.means(),
  modelShare: evalStats.mean('model') / evalStats.mean('total'),
};
console.log(
  `\n1. the eval workload in-process: JPEG → all detections with mask RLEs, ${all.length} coco128 photos`,
);
console.log(evalStats.table());
console.log(
  `  per photo ${evalStats.mean('total').toFixed(1)} ms, of which the model graphs ` +
    `${evalStats.mean('model').toFixed(1)} ms (${(100 * evalFigures.modelShare).toFixed(0)} %)`,
);

// 2. getMask: in-process by stage, alternating with the same call through each door.
const [httpPort, grpcPort] = [await freePort(), await freePort()];
const doorFlags = ['--http', String(httpPort), '--grpc', String(grpcPort)];
const server = await startAsNpmStartDoes(1, threads, doorFlags);
const doors: DoorCaller[] = [
  zmqCaller(server.endpoint),
  httpCaller(`http://127.0.0.1:${httpPort}`),
  grpcCaller(grpcPort),
];
const getMaskOptions: InferenceOptions = { scoreThreshold: 0.5, maxDetections: 100, masks: true };
const stages = new Stats();
const roundTrips = new Stats();
/** Each door's round trip over the in-process run just before it, on the same photo. */
const paired = new Stats();
for (const [i, image] of Array.from({ length: PASSES }, () => vga)
  .flat()
  .entries()) {
  const run = await inProcess({
    type: 'getMask',
    image,
    inference: getMaskOptions,
    output: { format: 'jpeg', quality: 85 },
  });
  stages.add(run);
  // Each door in turn goes first after the in-process run, so no door gains from its place.
  for (const door of [...doors.slice(i % doors.length), ...doors.slice(0, i % doors.length)]) {
    const started = performance.now();
    await door.getMask(image);
    const ms = performance.now() - started;
    roundTrips.add({ [door.door]: ms });
    paired.add({ [door.door]: ms / run.total });
  }
}
for (const door of doors) door.close();
await server.stop();
await pipeline.close();

const model = stages.median('model');
const total = stages.median('total');
const around = stages.medianOf((sample) => sample.total - sample.model);
const checks: Record<string, Checked> = {
  'decode (ms)': atMost(stages.median('decode'), 4),
  'preprocess (ms)': atMost(stages.median('preprocess'), 2),
  'masks: paste + threshold (ms)': atMost(stages.median('masks'), 3),
  'render + JPEG (ms)': atMost(stages.median('encode'), 6),
  'everything but the model (ms)': atMost(around, 15),
  'everything but the model / model': atMost(around / model, 0.25),
};
for (const door of doors) {
  checks[`${door.door} round trip / in-process`] = atMost(paired.median(door.door), 1.05);
}
console.log(
  `\n2. getMask on ${vga.length} 640×480 photos, ${PASSES} passes: in-process by stage, each followed by the same call through every door`,
);
console.log(stages.table());
console.log(
  `  the model graphs ${model.toFixed(1)} ms; everything else ${around.toFixed(1)} ms ` +
    `(${((100 * around) / model).toFixed(0)} % of the model)`,
);
for (const door of doors) {
  console.log(
    `  through the ${door.door} door: median ${roundTrips.median(door.door).toFixed(1)} ms ` +
      `(p95 ${roundTrips.percentile(door.door, 95).toFixed(1)}) against ${total.toFixed(1)} ms in-process; ` +
      `photo by photo, the median ratio ${paired.median(door.door).toFixed(3)}`,
  );
}
for (const [name, check] of Object.entries(checks)) console.log(describeCheck(name, check));

// 3. Throughput with 1 and 4 clients, for one worker using every core and for a worker per core.
console.log(`\n3. frames per second through the server (getMask, 640×480, ${seconds} s each)`);
const throughput: Array<{ workers: number; threads: number; clients: number; fps: number }> = [];
for (const [workers, workerThreads] of [
  [1, threads],
  [threads, 1],
]) {
  const layout = await startAsNpmStartDoes(workers, workerThreads);
  for (const clients of [1, 4]) {
    const callers = Array.from({ length: clients }, () => zmqCaller(layout.endpoint));
    const until = performance.now() + seconds * 1000;
    let frames = 0;
    const started = performance.now();
    await Promise.all(
      callers.map(async (caller, c) => {
        for (let i = c; performance.now() < until; i += clients, frames++)
          await caller.getMask(vga[i % vga.length]);
      }),
    );
    const fps = frames / ((performance.now() - started) / 1000);
    throughput.push({ workers, threads: workerThreads, clients, fps });
    console.log(
      `  --workers ${workers} --threads ${workerThreads}, ${clients} client${clients > 1 ? 's' : ' '}: ${fps.toFixed(2)} frames/s`,
    );
    for (const caller of callers) caller.close();
  }
  await layout.stop();
}

if (values.json) {
  const figures = {
    date: new Date().toISOString(),
    machine,
    settings: {
      executionProvider,
      precision,
      threads,
      seconds,
      photos: all.length,
      vgaPhotos: vga.length,
    },
    eval: evalFigures,
    getMask: {
      medianMs: stages.medians(),
      roundTripMedianMs: roundTrips.medians(),
      roundTripOverInProcess: paired.medians(),
      checks,
    },
    throughput,
  };
  writeFileSync(values.json, `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`\nfigures written to ${values.json}`);
}
