import type { Logger } from 'pino';
import type { RosNode } from '../camera/ros-node.js';
import type { RawFrame } from '../camera/subscribe.js';
import type { Figures } from '../figures.js';
import type { ClientParams, DisplayName } from '../params.js';

/** A composite from the server and the camera frame it was made from. */
export interface Composite {
  jpeg: Uint8Array;
  source: RawFrame;
}

/**
 * A place composites are shown. `show()` must return at once: a display still busy with the
 * previous composite skips this one, so a slow viewer never holds up the loop or buffers frames.
 */
export interface Display {
  readonly name: DisplayName;
  show(composite: Composite): void | Promise<void>;
  close(): Promise<void>;
}

/** What a display may use when it starts. */
export interface DisplayContext {
  node: RosNode;
  params: ClientParams;
  figures: Figures;
  log: Logger;
}

/** Starts a display; rejects with {@link DisplayUnavailableError} when it cannot run here. */
export type StartDisplay = (context: DisplayContext) => Promise<Display>;

/** A display cannot run on this machine; the message says what is missing. */
export class DisplayUnavailableError extends Error {
  override name = 'DisplayUnavailable';
}
