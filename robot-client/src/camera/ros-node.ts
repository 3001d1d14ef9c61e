/**
 * The ROS node: the only file that loads rosnodejs (display/topic.ts only publishes through the
 * handle made here). What the rest of the client needs from ROS is the small `RosNode` interface,
 * so the loop, the slot and the encoders run and test without a ROS master.
 */

import { compressedImageClass, imageClass, type MessageClass } from './image-wire.js';

/** A ROS message as rosnodejs hands it over or accepts it: plain fields, `uint8[]` as a Buffer. */
export type RosMessage = Record<string, unknown>;

export interface RosPublisher {
  publish(message: RosMessage): void;
  /** Subscribers now connected; a publisher with none can skip building its message. */
  getNumSubscribers(): number;
}

export interface RosSubscription {
  shutdown(): Promise<void>;
}

export interface RosNode {
  /** The node's resolved name, e.g. `/maskrcnn_client` (after any `__name:=` remap). */
  readonly name: string;
  /** `topic` is resolved as ROS resolves names: `~x` is private, remaps apply. */
  subscribe(topic: string, type: string, onMessage: (message: RosMessage) => void): RosSubscription;
  advertise(topic: string, type: string): RosPublisher;
  /** The parameter's value, or undefined when the parameter server has none. */
  getParam(name: string): Promise<unknown>;
  /**
   * Unregisters every publisher and subscriber from the master and closes the node's servers;
   * resolves once that is done (or the master could not be reached once).
   */
  shutdown(): Promise<void>;
}

interface NodeHandle {
  getNodeName(): string;
  subscribe(
    topic: string,
    type: string | MessageClass,
    callback: (message: RosMessage) => void,
    options: { queueSize: number; throttleMs: number },
  ): { shutdown(): Promise<void> };
  advertise(
    topic: string,
    type: string | MessageClass,
    options: { queueSize: number; throttleMs: number },
  ): RosPublisher;
  hasParam(name: string): Promise<boolean>;
  getParam(name: string): Promise<unknown>;
}

interface Rosnodejs {
  initNode(name: string, options: { onTheFly: boolean; timeout: number }): Promise<NodeHandle>;
  getNodeHandle(namespace: string): NodeHandle;
  require(rosPackage: string): { msg: Record<string, MessageClass> };
  shutdown(): Promise<void>;
}

/** ROS is not set up as the node needs; the message says what to install or set. */
export class RosSetupError extends Error {
  override name = 'RosSetup';
}

function loadSensorMsgs(rosnodejs: Rosnodejs): Record<string, MessageClass> {
  let msg: Record<string, MessageClass> | undefined;
  try {
    msg = rosnodejs.require('sensor_msgs')?.msg;
  } catch {
    // Reported below with what to do about it.
  }
  if (!msg?.Image || !msg.CompressedImage)
    throw new RosSetupError(
      `sensor_msgs message definitions were not found on ROS_PACKAGE_PATH ` +
        `(${process.env.ROS_PACKAGE_PATH ?? 'unset'}); Debian: apt-get install ros-sensor-msgs ` +
        'libsensor-msgs-dev libstd-msgs-dev and add /usr/share to ROS_PACKAGE_PATH',
    );
  return msg;
}

/**
 * Registers the node with the ROS master (ROS_MASTER_URI, or `__master:=`) and loads the message
 * definitions found on ROS_PACKAGE_PATH. Command-line remaps (`image:=…`, `__name:=…`,
 * `__ns:=…`) are applied by rosnodejs.
 * @param defaultName the node's name unless `__name:=` says otherwise.
 * @param timeoutMs how long to wait for the master; negative waits forever.
 * @throws {RosSetupError} when sensor_msgs cannot be found.
 */
export async function startRosNode(defaultName: string, timeoutMs = -1): Promise<RosNode> {
  // rosnodejs throws at load time without CMAKE_PREFIX_PATH; Debian installs ROS under /usr.
  process.env.CMAKE_PREFIX_PATH ??= '/usr';
  // Its published typings do not match its CommonJS export; this is what it exports.
  const rosnodejs = (await import('rosnodejs')).default as unknown as Rosnodejs;
  // rosnodejs answers SIGINT itself: it marks the node shut down and starts unregistering, so
  // the node's own stop() finds nothing left to wait for and exits with the node still known to
  // the master. Its handler is removed; the node's stop() unregisters and then exits.
  const before = new Set(process.listeners('SIGINT'));
  const nh = await rosnodejs.initNode(defaultName, { onTheFly: true, timeout: timeoutMs });
  for (const listener of process.listeners('SIGINT'))
    if (!before.has(listener)) process.removeListener('SIGINT', listener);
  const name = nh.getNodeName();
  // rosnodejs refuses `~x`; a handle in the node's own namespace resolves `x` to the same name.
  const privateNh = rosnodejs.getNodeHandle(name);
  const handle = (topic: string): [NodeHandle, string] =>
    topic.startsWith('~') ? [privateNh, topic.slice(1)] : [nh, topic];
  const sensorMsgs = loadSensorMsgs(rosnodejs);
  // Image types travel through our one-pass codec; every other type through rosnodejs's own.
  const classes: Record<string, MessageClass> = {
    'sensor_msgs/Image': imageClass(sensorMsgs.Image),
    'sensor_msgs/CompressedImage': compressedImageClass(sensorMsgs.CompressedImage),
  };
  const typeOf = (type: string) => classes[type] ?? type;
  // Callbacks run as messages arrive (throttleMs -1); the slot behind them keeps only the newest.
  const flow = { queueSize: 1, throttleMs: -1 };
  return {
    name,
    subscribe: (topic, type, onMessage) => {
      const [h, relative] = handle(topic);
      return h.subscribe(relative, typeOf(type), onMessage, flow);
    },
    advertise: (topic, type) => {
      const [h, relative] = handle(topic);
      return h.advertise(relative, typeOf(type), flow);
    },
    getParam: async (param) => {
      const [h, relative] = handle(param);
      return (await h.hasParam(relative)) ? h.getParam(relative) : undefined;
    },
    shutdown: () => rosnodejs.shutdown(),
  };
}
