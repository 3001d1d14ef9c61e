/**
 * The errors this package throws. Callers match on `err.name` (or `instanceof`); each class
 * carries the facts its message states, so a CLI can print the message and a server can
 * decide what to do from the fields.
 */

/** No model of that name is in the manifest. */
export class UnknownModelError extends Error {
  override name = 'UnknownModel';
  constructor(
    readonly model: string,
    readonly known: readonly string[],
  ) {
    super(`unknown model '${model}': expected one of ${known.map((k) => `'${k}'`).join(', ')}`);
  }
}

/** Why a download failed; tells apart what a retry may cure from what it will not. */
export type FetchFailure =
  /** The host could not be reached (refused, DNS, TLS, timeout before any byte). */
  | 'unreachable'
  /** The server answered with a status other than 2xx. */
  | 'http-status'
  /** The connection dropped or stalled part-way. */
  | 'interrupted'
  /** The body's length differs from the manifest's. */
  | 'size-mismatch'
  /** The body's sha256 differs from the manifest's. */
  | 'checksum-mismatch';

/**
 * One model file could not be fetched or failed verification. Nothing is left at
 * {@link manualPath}; the message names the URL, the expected checksum and that path, so a
 * user on a machine without internet access can put the file there by hand.
 */
export class ModelFetchError extends Error {
  override name = 'ModelFetch';
  constructor(
    readonly reason: FetchFailure,
    readonly url: string,
    /** The manifest's sha256, or null where the publisher gives none. */
    readonly expectedSha256: string | null,
    /** Where the file belongs; a verified copy placed there is used as is. */
    readonly manualPath: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    const sum = expectedSha256 ? `sha256 ${expectedSha256}` : 'sha256 not published';
    super(
      `could not fetch ${url}: ${detail} (expected ${sum}). ` +
        `To install it by hand, download that URL elsewhere and put the file at ${manualPath}`,
      options,
    );
  }
}

/** A file that was put in place by hand (or seeded) does not match the manifest. */
export class ModelChecksumError extends Error {
  override name = 'ModelChecksum';
  constructor(
    readonly path: string,
    readonly expected: { bytes: number | null; sha256: string | null },
    readonly actual: { bytes: number; sha256?: string },
  ) {
    const what =
      expected.bytes !== null && actual.bytes !== expected.bytes
        ? `${actual.bytes} bytes, expected ${expected.bytes}`
        : `sha256 ${actual.sha256}, expected ${expected.sha256}`;
    super(`${path} is not the expected file: ${what}; delete it or replace it with the right one`);
  }
}

/**
 * A model's files are missing and may not be downloaded (`allowDownload: false`). The message
 * lists every missing file with its URL and the exact path to put it at, and the alternative
 * (the ready, converted files) where there is one.
 */
export class ModelMissingError extends Error {
  override name = 'ModelMissing';
  constructor(
    readonly model: string,
    /** Each missing file: where it goes and where it comes from. */
    readonly missing: readonly { path: string; url: string | null; sha256: string | null }[],
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The Caffe2 net does not have the shape the converter expects; the message names the op. */
export class ConversionError extends Error {
  override name = 'Conversion';
}
