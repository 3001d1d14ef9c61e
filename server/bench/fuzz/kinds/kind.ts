/**
 * What every hostile kind builds, and the builders they share. A kind is one way of being
 * wrong; a family splits its weight among the variants of one idea.
 */
import type { MessageId } from '@maskrcnn-zmq/shared';
import { type Packable, pack } from '../msgpack-writer.js';
import type { Prng } from '../prng.js';

export const DELIMITER = Buffer.alloc(0);

/** One hostile message as a DEALER sends it (the ROUTER prepends the identity). */
export interface Built {
  frames: Buffer[];
  /**
   * Whether a sound server can answer: the envelope has its delimiter and the payload decodes to
   * a request whose header is a map with a str or bin message_id (and no response_to, which
   * would make it a later event of some exchange). It should answer those with ERR (or OK), and
   * count and drop the rest.
   */
  expectsReply: boolean;
  /** The id a reply would carry in response_to; set when a reply is expected. */
  messageId?: MessageId;
}

/** Real files the kinds cut and patch. */
export interface Samples {
  /** A real JPEG photo (the coco128 zebra). */
  jpeg: Buffer;
}

export type Builder = (rng: Prng, samples: Samples) => Built;

export interface Kind {
  /** `family/variant`, as the report lists it. */
  name: string;
  /** Relative frequency in a mixed run. */
  weight: number;
  build: Builder;
}

/** The kinds `family/<variant>`, sharing `weight` equally. */
export function family(name: string, weight: number, builders: Record<string, Builder>): Kind[] {
  const variants = Object.entries(builders);
  return variants.map(([variant, build]) => ({
    name: `${name}/${variant}`,
    weight: weight / variants.length,
    build,
  }));
}

/** A fresh message id: a str, or a bin of the same hex digits as the Python client sends. */
export function messageId(rng: Prng): MessageId {
  const hex = rng.hex32();
  return rng.next() < 0.5 ? hex : Buffer.from(hex, 'latin1');
}

/** The header of a new exchange. */
export const header = (id: MessageId) => ({ message_id: id, v: 3 });

/** An answerable message whose event `event(id)` builds around a fresh message id. */
export function answerable(rng: Prng, event: (id: MessageId) => Packable): Built {
  const id = messageId(rng);
  return { frames: [DELIMITER, pack(event(id))], expectsReply: true, messageId: id };
}

/** A well-formed request `name(...args)`: whatever is wrong lies in the name or the arguments. */
export function request(rng: Prng, name: Packable, args: Packable): Built {
  return answerable(rng, (id) => [header(id), name, args]);
}

/** A payload no server can answer, after a proper delimiter. */
export function unanswerable(payload: Buffer): Built {
  return { frames: [DELIMITER, payload], expectsReply: false };
}
