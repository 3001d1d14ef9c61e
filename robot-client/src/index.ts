/** The robot client's parts, for tests, benchmarks and other nodes that want the same loop. */

export { Backoff, type BackoffOptions } from './backoff.js';
export type { RosHeader } from './camera/image-wire.js';
export { type RosNode, RosSetupError, startRosNode } from './camera/ros-node.js';
export { type RawFrame, subscribeCamera, toRawFrame } from './camera/subscribe.js';
export {
  type Composite,
  type Display,
  type DisplayContext,
  DisplayUnavailableError,
  type StartDisplay,
} from './display/display.js';
export { MAX_DISPLAY_FAILURES, NoDisplayLeftError } from './display/guard.js';
export { DISPLAYS, startDisplays } from './display/registry.js';
export {
  decodeJpeg,
  encodeJpeg,
  JpegEncodeError,
  type PackedPixels,
} from './encode/jpeg.js';
export {
  type FramePixels,
  framePixels,
  MalformedFrameError,
  type PixelOrder,
  SUPPORTED_ENCODINGS,
  UnsupportedEncodingError,
} from './encode/pixels.js';
export { Figures, type FiguresSnapshot, type ServerState } from './figures.js';
export {
  encodeFrame,
  type LoopOptions,
  type MaskService,
  runLoop,
  ServerRejectsRequestsError,
} from './loop.js';
export {
  type ClientParams,
  DISPLAY_NAMES,
  type DisplayName,
  defaultHeartbeatMs,
  InvalidParamError,
  PARAM_NAMES,
  privateArgs,
  readParams,
} from './params.js';
export { LatestSlot } from './slot/latest-slot.js';
