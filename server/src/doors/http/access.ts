import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { TlsFiles } from '../exposure.js';

/** Who may reach the HTTP door and how, as `serve` flags give it. */
export interface HttpAccess {
  /** Address to listen on; loopback unless other machines are to be served. */
  host: string;
  /** TLS certificate and key (PEM files). */
  tls?: TlsFiles;
  /** Bearer tokens, one a line; every route but `/v2/health/*` and the page then needs one. */
  tokensFile?: string;
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
