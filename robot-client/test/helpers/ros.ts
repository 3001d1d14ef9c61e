import { mkdtempSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LoggedProcess } from './processes.js';

/** The repository root (tests run from robot-client/dist/test/). */
export const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
/** The material beside the repository: the model and the photos. */
export const SHARED = fileURLToPath(new URL('../../../../../shared/', import.meta.url));
export const MODEL_DIR = `${SHARED}models/maskrcnn2go/onnx`;
export const photo = (file: string) => `${SHARED}testdata/coco128/images/${file}`;
export const SERVER_MAIN = join(REPO, 'server/dist/src/main.js');
/** The ROS package's node scripts, which give each program its node flags (README, "Memory"). */
export const LAUNCH_NODES = {
  client: join(REPO, 'launch/nodes/robot_client'),
  server: join(REPO, 'launch/nodes/vision_server'),
};

/**
 * The ROS packages the tests use, listed one by one: rosnodejs and roslaunch walk every folder
 * on ROS_PACKAGE_PATH, and all of /usr/share costs seconds per process.
 */
const ROS_PACKAGES = [
  'sensor_msgs',
  'std_msgs',
  'geometry_msgs',
  'rosgraph_msgs',
  'image_publisher',
  'nodelet',
  'rosout',
  'roslaunch',
  'image_transport',
  'camera_info_manager',
];

/** A loopback TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The environment of every ROS process of a test: its own master, loopback only. */
export function rosEnv(masterPort: number): NodeJS.ProcessEnv {
  const home = mkdtempSync(join(tmpdir(), 'robot-client-ros-'));
  return {
    ...process.env,
    ROS_MASTER_URI: `http://127.0.0.1:${masterPort}`,
    ROS_IP: '127.0.0.1',
    ROS_HOME: home,
    ROS_LOG_DIR: join(home, 'log'),
    CMAKE_PREFIX_PATH: '/usr',
    ROS_PACKAGE_PATH: [join(REPO, 'launch'), ...ROS_PACKAGES.map((p) => `/usr/share/${p}`)].join(
      ':',
    ),
  };
}

/** Resolves once something accepts TCP connections on the port. */
export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline)
      throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface Master {
  port: number;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** A ROS master (Debian's rosmaster) of this test's own on a free port. */
export async function startMaster(): Promise<Master> {
  const port = await freePort();
  const env = rosEnv(port);
  const master = new LoggedProcess('rosmaster', ['--core', '-p', String(port)], env);
  await waitForPort(port, 15_000);
  return { port, env, stop: () => master.stop('SIGINT') };
}

/**
 * Joins the test process to the ROS graph as a node (one per process, rosnodejs's rule), with
 * the test's environment.
 */
export async function joinRos(env: NodeJS.ProcessEnv, name: string) {
  for (const key of [
    'ROS_MASTER_URI',
    'ROS_IP',
    'ROS_HOME',
    'CMAKE_PREFIX_PATH',
    'ROS_PACKAGE_PATH',
  ])
    process.env[key] = env[key];
  const { startRosNode } = await import('../../src/camera/ros-node.js');
  return startRosNode(name, 20_000);
}

/** The robot client node, started by launch/nodes/robot_client, with `_name:=value` arguments. */
export function startClient(
  env: NodeJS.ProcessEnv,
  name: string,
  params: Record<string, string | number>,
) {
  const args = Object.entries(params).map(([key, value]) => `_${key}:=${value}`);
  return new LoggedProcess(LAUNCH_NODES.client, [`__name:=${name}`, ...args], env, REPO);
}

/**
 * The real server on the embedded model, started by launch/nodes/vision_server; resolves once
 * it is ready.
 */
export async function startServer(
  port: number,
  flags: readonly string[] = [],
): Promise<LoggedProcess> {
  const server = new LoggedProcess(
    LAUNCH_NODES.server,
    ['serve', '--bind', `tcp://127.0.0.1:${port}`, '--model-dir', MODEL_DIR, ...flags],
    { ...process.env, LOG_LEVEL: 'info' },
    REPO,
  );
  await server.waitFor((line) => line.msg === 'ready', 60_000, 'server "ready" line');
  return server;
}
