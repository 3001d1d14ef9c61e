/** The zerorpc protocol, client and result types shared by the server and the robot client. */

export { type CallOptions, ZerorpcClient, type ZerorpcClientOptions } from './client/client.js';
export { VisionClient } from './client/vision-client.js';
export * from './protocol/errors.js';
export {
  decodeEvent,
  describe,
  type EventHeader,
  encodeEvent,
  idKey,
  type MessageId,
  newMessageId,
  type ReadEvent,
  readEvent,
  requestHeader,
  responseHeader,
  type UnreadableReason,
  type ZerorpcEvent,
} from './protocol/events.js';
export { parseRouted, type RoutedMessage, routedFrames } from './protocol/frames.js';
export { Heartbeat, type HeartbeatPeer } from './protocol/heartbeat.js';
export { MsgpackLimitError, type MsgpackLimits } from './protocol/msgpack-limits.js';
export { BUILTIN, DEFAULT_HEARTBEAT_MS, EVENT, PROTOCOL_VERSION } from './protocol/words.js';
export {
  type Certificate,
  CertificateError,
  readAllowedKeys,
  readCertificate,
  readClientKeys,
  writeCertificates,
} from './transport/certificates.js';
export {
  type ClientCurveKeys,
  DealerSocket,
  RouterSocket,
  type RouterSocketOptions,
} from './transport/sockets.js';
export type { CurveGate } from './transport/zap-handler.js';
export * from './types.js';
