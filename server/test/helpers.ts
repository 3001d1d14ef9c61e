import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { skipUnless } from '@maskrcnn-zmq/shared/test-support';
import { pino } from 'pino';
import { type ServerOptions, VisionServer } from '../src/server.js';

/** The repository root (tests run from server/dist/test/). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** The material beside the repository: the model and the photos. */
export const SHARED = fileURLToPath(new URL('../../../../shared/', import.meta.url));
export const MODEL_DIR = `${SHARED}models/maskrcnn2go/onnx`;
export const COCO_DIR = `${SHARED}testdata/coco128`;
export const photo = (file: string) => `${COCO_DIR}/images/${file}`;

if (!existsSync(MODEL_DIR)) {
  throw new Error(
    `the tests need the model and photos beside the checkout; ${MODEL_DIR} is missing`,
  );
}

/** The smoke images of ../shared/testdata/README.md and the object each one shows. */
export const SMOKE_IMAGES = {
  '000000000034.jpg': 'zebra',
  '000000000459.jpg': 'person',
  '000000000394.jpg': 'dog',
  '000000000636.jpg': 'toilet',
  '000000000599.jpg': 'cat',
} as const;

/** A real server on a free loopback port with the real model; close it after the test. */
export function startServer(overrides: Partial<ServerOptions> = {}): Promise<VisionServer> {
  return VisionServer.start({
    bind: 'tcp://127.0.0.1:0',
    modelDir: MODEL_DIR,
    executionProvider: 'cpu',
    threads: 2,
    workers: 1,
    queueLimit: 16,
    perPeerQueueLimit: 16,
    maxWaitMs: 60_000,
    jobTimeoutMs: 60_000,
    workerHeapMiB: 2048,
    heartbeatMs: 5000,
    maxInputPixels: 50_000_000,
    maxMessageBytes: 64 * 1024 * 1024,
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    ...overrides,
  });
}

/** What every package's tests share: `@maskrcnn-zmq/shared/test-support`. */
export { skipUnless, until } from '@maskrcnn-zmq/shared/test-support';

/** The `skip` option of tests that call the server from Debian's Python. */
export const WITHOUT_PYTHON = skipUnless(
  spawnSync('/usr/bin/python3', ['-c', 'import zmq, msgpack']).status === 0,
  "Debian's python3-zmq and python3-msgpack (apt-get install python3-zmq python3-msgpack)",
);

export interface PythonReply {
  ok?: unknown;
  err?: [string, string];
  beats_received: number;
}

/** Calls the server from Debian's Python with pyzmq + msgpack, as zerorpc-python does. */
export async function pythonCall(
  endpoint: string,
  method: string,
  args: unknown[],
  options: {
    image?: string;
    heartbeatS?: number;
    timeoutS?: number;
    /** CURVE: the server's public certificate and the caller's secret one. */
    curve?: { serverKey: string; key: string };
  } = {},
): Promise<PythonReply> {
  const argv = [
    `${REPO}server/test/e2e/fixtures/zerorpc_client.py`,
    endpoint,
    method,
    ...args.map((arg) => JSON.stringify(arg)),
    ...(options.image ? ['--image', options.image] : []),
    ...(options.heartbeatS ? ['--heartbeat', String(options.heartbeatS)] : []),
    ...(options.timeoutS ? ['--timeout', String(options.timeoutS)] : []),
    ...(options.curve ? ['--server-key', options.curve.serverKey, '--key', options.curve.key] : []),
  ];
  // Debian's python3-zmq and python3-msgpack are visible to /usr/bin/python3 only.
  const { stdout } = await promisify(execFile)('/usr/bin/python3', argv, { maxBuffer: 64 << 20 });
  return JSON.parse(stdout);
}

/** Fields of /proc/<pid>/stat, counted from the state (after the command's parenthesis) as 0. */
const PPID = 1;
export const MINOR_FAULTS = 7;

/** One numeric field of /proc/<pid>/stat, e.g. `MINOR_FAULTS`. */
export function statField(pid: number, field: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[field]);
}

/** The pids of the inference worker processes that `parentPid` has forked. */
export function workerPids(parentPid = process.pid): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return (
          statField(Number(pid), PPID) === parentPid &&
          readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('worker-main')
        );
      } catch {
        return false; // It ended while we looked.
      }
    })
    .map(Number);
}

/** The server's command, whose first line says how node and malloc run it (README, "Memory"). */
export const SERVER_BIN = `${REPO}server/bin/maskrcnn-zmq.js`;

/** What a script's `#!/usr/bin/env -S GLIBC_TUNABLES=… node FLAGS` line gives malloc and node. */
export function startLineOf(script: string): { tunables: string; nodeFlags: string } {
  const first = readFileSync(script, 'utf8').split('\n')[0];
  const line = /^#!\/usr\/bin\/env -S GLIBC_TUNABLES=(\S+) node (.*)$/.exec(first);
  if (!line) throw new Error(`${script} does not start as the server should: ${first}`);
  return { tunables: line[1], nodeFlags: line[2] };
}
