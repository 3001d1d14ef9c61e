import { readAllowedKeys } from '@maskrcnn-zmq/shared';
import type { Logger } from 'pino';
import { RateLimitedLog } from '../ops/rate-limited-log.js';

/**
 * The client public keys a CURVE server lets in, read from a folder of `*.key` certificates (or
 * one file) and read again on `reload()` (SIGHUP). Connections already made stay: the keys are
 * asked at each handshake only.
 */
export class ClientAllowList {
  private readonly refusals: RateLimitedLog;

  private constructor(
    private readonly path: string,
    private keys: Set<string>,
    private readonly log: Logger,
  ) {
    this.refusals = new RateLimitedLog(log);
  }

  /** @throws {CertificateError} for an unreadable folder or key file. */
  static async load(path: string, log: Logger): Promise<ClientAllowList> {
    return new ClientAllowList(path, await readAllowedKeys(path), log);
  }

  get size(): number {
    return this.keys.size;
  }

  /** Whether the client with this public key may in; a refusal is logged with its address. */
  admits = (publicKey: string, address: string): boolean => {
    if (this.keys.has(publicKey)) return true;
    this.refusals.warn(
      'key-refused',
      { address, publicKey },
      'a client key not on the allow-list was refused',
    );
    return false;
  };

  /** Reads the keys again; on failure the old list stays and the error is logged. */
  async reload(): Promise<void> {
    try {
      this.keys = await readAllowedKeys(this.path);
      this.log.info({ path: this.path, keys: this.keys.size }, 'client allow-list read again');
    } catch (error) {
      this.log.error(
        { err: error, path: this.path },
        'the client allow-list could not be read; the old one stays',
      );
    }
  }
}
