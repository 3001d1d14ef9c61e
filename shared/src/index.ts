/** The zerorpc protocol, client and result types shared by the server and the robot client. */

export { type CallOptions, ZerorpcClient, type ZerorpcClientOptions } from './client/client.js';
export { VisionClient } from './client/vision-client.js';
export * from './protocol/errors.js';
export {
  decodeEvent,
  describe,
  encodeEvent,
  idKey,
  type MessageId,
  newMessageId,
  requestHeader,
  responseHeader,
  type ZerorpcEvent,
} from './protocol/events.js';
export { parseRouted, type RoutedMessage, routedFrames } from './protocol/frames.js';
export { Heartbeat, type HeartbeatPeer } from './protocol/heartbeat.js';
export { BUILTIN, DEFAULT_HEARTBEAT_MS, EVENT, PROTOCOL_VERSION } from './protocol/words.js';
export { SerialSender } from './transport/serial-sender.js';
export * from './types.js';
