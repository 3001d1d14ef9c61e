/**
 * The hostile messages of a fuzz run: every kind of `kinds/`, each message derived from the seed
 * and its index alone, so any one of them can be made again to replay a failure. The first
 * messages go through the kinds once, in order, so a run at least as long as the list covers
 * every kind, the rarest included; after that kinds come by weight. Messages are built when
 * asked for, so a run holds only those in flight.
 */
import { ARGUMENTS } from './kinds/arguments.js';
import { ENVELOPES } from './kinds/envelopes.js';
import { EVENT_SHAPES } from './kinds/event-shapes.js';
import { IMAGES } from './kinds/images.js';
import type { Built, Kind, Samples } from './kinds/kind.js';
import { PAYLOAD_BYTES } from './kinds/payload-bytes.js';
import { Prng } from './prng.js';

export type { Samples } from './kinds/kind.js';

/** One hostile message, labelled with its kind (`family/variant`). */
export interface HostileMessage extends Built {
  kind: string;
  index: number;
}

/** Every kind, with its weight in a mixed run. */
export const KINDS: readonly Kind[] = [
  ...PAYLOAD_BYTES,
  ...EVENT_SHAPES,
  ...ARGUMENTS,
  ...ENVELOPES,
  ...IMAGES,
];

/** The kinds named by `filters`: a family name (`hostile-base64`) or a whole kind name. */
export function selectKinds(filters: readonly string[]): Kind[] {
  const chosen = KINDS.filter((kind) =>
    filters.some((filter) => kind.name === filter || kind.name.startsWith(`${filter}/`)),
  );
  if (chosen.length === 0) {
    throw new Error(`no hostile kind matches ${filters.join(', ')}; families: ${families()}`);
  }
  return chosen;
}

function families(): string {
  return [...new Set(KINDS.map((kind) => kind.name.split('/')[0]))].join(', ');
}

/** A deterministic stream of hostile messages. */
export class HostileMessages {
  constructor(
    private readonly seed: number,
    private readonly samples: Samples,
    private readonly kinds: readonly Kind[] = KINDS,
  ) {}

  /** Message `index` of the run: the same for the same seed, samples and kinds. */
  at(index: number): HostileMessage {
    const rng = Prng.forItem(this.seed, index);
    const kind = index < this.kinds.length ? this.kinds[index] : rng.weighted(this.kinds);
    return { ...kind.build(rng, this.samples), kind: kind.name, index };
  }
}
