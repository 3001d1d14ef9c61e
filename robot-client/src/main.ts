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

/** How long a stop may take before the node exits regardless. */
const STOP_GRACE_MS = 5000;

const log = pino({ name: 'robot-client', level: process.env.LOG_LEVEL ?? 'info' });

async function main(argv: readonly string[]): Promise<void> {
  const node = await startRosNode('maskrcnn_client');
  const { params, unknown } = await readParams(node.getParam, argv);
  if (unknown.length > 0)
    log.warn({ unknown, known: PARAM_NAMES }, 'unknown _name:= parameters are ignored');
  log.info({ node: node.name, params }, 'robot client starting');

  const curve = await curveKeys(params);
  const slot = new LatestSlot<RawFrame>();
  const figures = new Figures(slot);
  const displays = await startDisplays(params.displays, { node, params, figures, log });
  const client = new VisionClient({
    endpoint: params.server,
    timeoutMs: params.timeoutMs,
    heartbeatMs: params.heartbeatMs,
    onWarning: (error) => log.debug({ err: error }, 'zerorpc client warning'),
    curve,
  });
  const camera = subscribeCamera(node, params.imageTopic, (frame) => slot.put(frame));
  const ticker =
    params.figuresPeriodS > 0
      ? setInterval(
          () => log.info({ figures: figures.snapshot() }, 'figures'),
          params.figuresPeriodS * 1000,
        )
      : undefined;

  // SIGINT (Ctrl-C, roslaunch) and SIGTERM stop the node the same way: unregister from the
  // master, close the sockets and the web server, exit 0. A stop that hangs (a master gone) is
  // cut short after STOP_GRACE_MS with status 1.
  const stopper = new AbortController();
  let stopping = false;
  const stop = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    log.info({ reason, figures: figures.snapshot() }, 'robot client stopping');
    setTimeout(() => {
      log.error({ graceMs: STOP_GRACE_MS }, 'the node did not stop in time; exiting anyway');
      process.exit(1);
    }, STOP_GRACE_MS);
    clearInterval(ticker);
    stopper.abort();
    slot.close();
    client.close();
    await camera.shutdown().catch(() => {});
    await Promise.allSettled(displays.map((display) => display.close()));
    await node.shutdown();
    log.info({ exitCode: code }, 'robot client stopped: unregistered from the master');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop('SIGINT', 0));
  process.on('SIGTERM', () => void stop('SIGTERM', 0));

  try {
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
      signal: stopper.signal,
    });
  } catch (error) {
    // A misconfiguration the server reports, or no display left: one clear line, status 1.
    log.fatal({ err: error }, (error as Error).message);
    await stop((error as Error).name, 1);
  }
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

try {
  await main(process.argv.slice(2));
} catch (error) {
  log.fatal({ err: error }, (error as Error).message);
  process.exit(1);
}
