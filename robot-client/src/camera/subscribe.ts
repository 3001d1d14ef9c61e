import type { RosHeader } from './image-wire.js';
import type { RosMessage, RosNode, RosSubscription } from './ros-node.js';

/** One camera frame as it arrived: the pixels are not touched until the loop takes the frame. */
export interface RawFrame {
  width: number;
  height: number;
  /** sensor_msgs/image_encodings name, e.g. `bgra8`. */
  encoding: string;
  /** Bytes per row, padding included. */
  step: number;
  /** Byte order of multi-byte samples; 8-bit encodings ignore it. */
  isBigEndian: boolean;
  data: Uint8Array;
  header: RosHeader;
  /** `performance.now()` when the message was handed to the client. */
  receivedAtMs: number;
}

/** Reads a `sensor_msgs/Image` message without copying its pixels. */
export function toRawFrame(message: RosMessage, receivedAtMs = performance.now()): RawFrame {
  return {
    width: Number(message.width),
    height: Number(message.height),
    encoding: String(message.encoding),
    step: Number(message.step),
    isBigEndian: Boolean(message.is_bigendian),
    data: message.data as Uint8Array,
    header: message.header as RosHeader,
    receivedAtMs,
  };
}

/** Hands every `sensor_msgs/Image` on `topic` to `onFrame` as it arrives. */
export function subscribeCamera(
  node: RosNode,
  topic: string,
  onFrame: (frame: RawFrame) => void,
): RosSubscription {
  return node.subscribe(topic, 'sensor_msgs/Image', (message) => onFrame(toRawFrame(message)));
}
