import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { Logger } from 'pino';

/** Who may reach the HTTP door and how, as `serve` flags give it. */
export interface HttpAccess {
  /** Address to listen on; loopback unless other machines are to be served. */
  host: string;
  /** TLS certificate and key (PEM files). */
  tls?: { certFile: string; keyFile: string };
  /** Bearer tokens, one a line; every route but `/v2/health/*` and the page then needs one. */
  tokensFile?: string;
  /** Serve other machines without TLS and tokens, knowingly. */
  insecure?: boolean;
}

/** Whether only this machine can reach `host`. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/**
 * Refuses an HTTP door open to other machines without TLS and tokens, unless `insecure` says so
 * (then it warns: anyone who reaches the port can use the model and read every frame).
 * @throws naming the flags that are missing.
 */
export function checkAccess(access: HttpAccess, log: Logger): void {
  if (isLoopback(access.host)) return;
  if (access.insecure) {
    log.warn(
      { host: access.host },
      'HTTP serves other machines without TLS and tokens (--insecure): anyone who reaches this port can use the model and read every frame',
    );
    return;
  }
  if (!access.tls || !access.tokensFile) {
    throw new Error(
      `--http-bind ${access.host} serves other machines: give --http-tls-cert, --http-tls-key and --http-tokens, or --insecure to serve them in plain text without tokens`,
    );
  }
}

/**
 * The bearer tokens a caller may present, read from a file (one a line, blank lines and `#`
 * comments skipped) and read again on {@link reload}. Tokens are compared by their SHA-256
 * digests in constant time, and every token is compared, so timing tells nothing of them.
 */
export class TokenList {
  private digests: Buffer[] = [];

  private constructor(private readonly path: string) {}

  /** @throws when the file cannot be read or lists no token. */
  static async load(path: string): Promise<TokenList> {
    const list = new TokenList(path);
    await list.reload();
    return list;
  }

  /** How many tokens are accepted. */
  get size(): number {
    return this.digests.length;
  }

  /** Reads the file again; on failure the tokens read before stay. */
  async reload(): Promise<void> {
    const tokens = (await readFile(this.path, 'utf8'))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    if (tokens.length === 0) throw new Error(`${this.path} lists no token`);
    this.digests = tokens.map(digest);
  }

  /** Whether an `Authorization` header carries one of the tokens. */
  admits(authorization: string | undefined): boolean {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return false;
    const given = digest(match[1]);
    let admitted = false;
    for (const known of this.digests) admitted = timingSafeEqual(known, given) || admitted;
    return admitted;
  }
}

const digest = (token: string) => createHash('sha256').update(token).digest();
