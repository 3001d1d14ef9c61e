import { InvalidArgumentError } from 'commander';
import type { TlsFiles } from '../doors/exposure.js';

/** A positive integer option value. */
export function integer(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  }
  return number;
}

/** A TCP port option value, 0 (any free port) to 65535. */
export function port(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535) {
    throw new InvalidArgumentError(`expected a port from 0 to 65535, got "${value}"`);
  }
  return number;
}

/** A number option value in [0, 1]. */
export function fraction(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0 || number > 1) {
    throw new InvalidArgumentError(`expected a number between 0 and 1, got "${value}"`);
  }
  return number;
}

/**
 * A certificate and key given by the flags `<prefix>-cert` and `<prefix>-key`, or neither.
 * @throws {InvalidArgumentError} for one without the other.
 */
export function tlsFiles(
  prefix: string,
  certFile: string | undefined,
  keyFile: string | undefined,
): TlsFiles | undefined {
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new InvalidArgumentError(`${prefix}-cert and ${prefix}-key go together`);
  }
  return certFile !== undefined && keyFile !== undefined ? { certFile, keyFile } : undefined;
}
