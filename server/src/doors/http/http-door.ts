import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { type HttpAccess, TokenList } from './access.js';
import { buildApp } from './app.js';
import type { DoorServices } from './door-services.js';

export interface HttpDoorOptions extends HttpAccess {
  /** TCP port; 0 takes a free one. */
  port: number;
}

/**
 * The HTTP door (`serve --http PORT`): the live page, plain image endpoints and the Open
 * Inference REST protocol on one fastify server, beside the ZeroMQ door and sharing its runner,
 * methods and worker pool. Whether it may listen where it is told is the server's rule for
 * every door (`doors/exposure.ts`).
 */
export class HttpDoor {
  private constructor(
    private readonly app: FastifyInstance,
    private readonly tokens: TokenList | undefined,
    private readonly scheme: 'http' | 'https',
    private readonly log: Logger,
  ) {}

  /**
   * Listens; resolves once bound.
   * @throws when access is not allowed as asked, or a TLS or token file cannot be read.
   */
  static async listen(options: HttpDoorOptions, services: DoorServices): Promise<HttpDoor> {
    const tokens = options.tokensFile ? await TokenList.load(options.tokensFile) : undefined;
    const https = options.tls && {
      cert: await readFile(options.tls.certFile),
      key: await readFile(options.tls.keyFile),
    };
    const app = await buildApp(services, tokens, https);
    await app.listen({ port: options.port, host: options.host });
    const door = new HttpDoor(app, tokens, https ? 'https' : 'http', services.log);
    services.log.info(
      { url: door.url, tls: Boolean(https), tokens: tokens?.size ?? 0 },
      'HTTP door open',
    );
    return door;
  }

  /** Where it listens, e.g. `http://127.0.0.1:8080`. */
  get url(): string {
    const { address, port } = this.app.server.address() as AddressInfo;
    return `${this.scheme}://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  /** Reads the token file again (SIGHUP); a file that cannot be read leaves the tokens as they were. */
  async reloadTokens(): Promise<void> {
    if (!this.tokens) return;
    try {
      await this.tokens.reload();
      this.log.info({ tokens: this.tokens.size }, 'HTTP tokens read again');
    } catch (error) {
      this.log.error({ err: error }, 'the HTTP tokens could not be read; the old ones stay');
    }
  }

  /**
   * Stops taking connections and waits up to `flushMs` for answers under way to leave; then
   * closes every connection.
   */
  async close(flushMs = 0): Promise<void> {
    const closed = this.app.close();
    if (flushMs > 0) {
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, flushMs).unref())]);
    }
    this.app.server.closeAllConnections();
    await closed;
  }
}
