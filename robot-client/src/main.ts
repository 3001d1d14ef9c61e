/**
 * The robot client node: camera topic → latest-value slot → JPEG → getMask → displays, with the
 * figures logged as it runs. Started by roslaunch (launch/) or by hand:
 * `node robot-client/dist/src/main.js _server:=tcp://host:38282 _display:=web`.
 */
import { readClientKeys, VisionClient } from '@maskrcnn-zmq/shared';
import { pino } from 'pino';
import { startRosNode } from './camera/ros-node.js';
import { type RawFrame, subscribeCamera } from './camera/subscribe.js';
import { startDisplays } from './display/registry.js';
import { Figures } from './figures.js';
import { runLoop } from './loop.js';
import { type ClientParams, InvalidParamError, PARAM_NAMES, readParams } from './params.js';
import { LatestSlot } from './slot/latest-slot.js';

/** How long a stop may take before the node exits regardless (status 1). */
const STOP_GRACE_MS = 5000;

const log = pino({ name: 'robot-client', level: process.env.LOG_LEVEL ?? 'info' });

/** What a stop undoes, added as each thing is made; undone newest first, the ROS node last. */
const undo: (() => unknown)[] = [];
let stopping = false;

/**
 * Stops the node: closes the slot, the client, the displays (the web server with them) and the
 * camera subscription, unregisters every publisher and subscriber from the master, and exits
 * with `code`. SIGINT (Ctrl-C, roslaunch) and SIGTERM stop with 0; a stop that hangs (a master
 * gone) is cut short after {@link STOP_GRACE_MS} with 1.
 */
async function stop(reason: string, code: number, detail: object = {}): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ reason, ...detail }, 'robot client stopping');
  setTimeout(() => {
    log.error({ graceMs: STOP_GRACE_MS }, 'the node did not stop in time; exiting anyway');
    process.exit(1);
  }, STOP_GRACE_MS);
  for (const step of undo.splice(0).reverse()) {
    try {
      await step();
    } catch (error) {
      log.warn({ err: error }, 'a step of the stop failed; going on with the next');
    }
  }
  log.info({ exitCode: code }, 'robot client stopped: unregistered from the master');
  process.exit(code);
}

async function main(argv: readonly string[]): Promise<void> {
  const node = await startRosNode('maskrcnn_client');
  undo.push(() => node.shutdown());
  const { params, unknown } = await readParams(node.getParam, argv);
  if (unknown.length > 0)
    log.warn({ unknown, known: PARAM_NAMES }, 'unknown _name:= parameters are ignored');
  log.info({ node: node.name, params }, 'robot client starting');

  const curve = await curveKeys(params);
  const slot = new LatestSlot<RawFrame>();
  const figures = new Figures(slot);
  const displays = await startDisplays(params.displays, { node, params, figures, log });
  undo.push(() => Promise.allSettled(displays.map((display) => display.close())));
  const client = new VisionClient({
    endpoint: params.server,
    timeoutMs: params.timeoutMs,
    heartbeatMs: params.heartbeatMs,
    onWarning: (error) => log.debug({ err: error }, 'zerorpc client warning'),
    curve,
  });
  undo.push(() => client.close());
  const camera = subscribeCamera(node, params.imageTopic, (frame) => slot.put(frame));
  undo.push(() => camera.shutdown());
  const ticker =
    params.figuresPeriodS > 0
      ? setInterval(
          () => log.info({ figures: figures.snapshot() }, 'figures'),
          params.figuresPeriodS * 1000,
        )
      : undefined;
  const stopper = new AbortController();
  undo.push(() => {
    log.info({ figures: figures.snapshot() }, 'figures');
    clearInterval(ticker);
    stopper.abort();
    slot.close();
  });

  await runLoop({
    slot,
    service: client,
    displays,
    figures,
    log,
    jpegQuality: params.jpegQuality,
    mask: {
      scoreThreshold: params.scoreThreshold,
      ...(params.classes.length > 0 ? { classes: params.classes } : {}),
    },
    call: { timeoutMs: params.timeoutMs },
    inFlight: params.inFlight,
    signal: stopper.signal,
  });
}

/** The CURVE keys `~server_key` and `~client_key` name, for a server that requires them. */
async function curveKeys({ serverKey, clientKey }: ClientParams) {
  if (!serverKey && !clientKey) return undefined;
  if (!serverKey || !clientKey) {
    throw new InvalidParamError(
      serverKey ? 'client_key' : 'server_key',
      'a key file, as CURVE needs both ~server_key and ~client_key',
      '',
    );
  }
  return readClientKeys(serverKey, clientKey);
}

process.on('SIGINT', () => void stop('SIGINT', 0));
process.on('SIGTERM', () => void stop('SIGTERM', 0));
try {
  await main(process.argv.slice(2));
} catch (error) {
  // A bad parameter, a misconfiguration the server reports, no display left: one clear line,
  // then the same stop, with status 1.
  log.fatal({ err: error }, (error as Error).message);
  await stop((error as Error).name, 1);
}
