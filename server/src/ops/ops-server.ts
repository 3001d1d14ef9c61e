import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface OpsServerOptions {
  port: number;
  /** Address to listen on; loopback unless the operator says otherwise. */
  host: string;
  registry: Registry;
  /** Whether the server takes calls: the model loaded and warm, not shutting down. */
  ready: () => boolean;
}

/**
 * The operator's door, plain HTTP: `/metrics` (Prometheus text), `/healthz` (200 while the
 * process lives) and `/readyz` (200 only while `ready()`; 503 during warm-up and shutdown).
 * Started before the model loads, so a probe can tell warming up from gone.
 */
export class OpsServer {
  private constructor(private readonly server: Server) {}

  static async start(options: OpsServerOptions): Promise<OpsServer> {
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      const send = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
        response.writeHead(status, { 'content-type': type }).end(body);
      };
      if (request.method !== 'GET' && request.method !== 'HEAD') return send(405, 'GET only\n');
      switch (path) {
        case '/healthz':
          return send(200, 'alive\n');
        case '/readyz':
          return options.ready() ? send(200, 'ready\n') : send(503, 'not ready\n');
        case '/metrics':
          return void options.registry.metrics().then(
            (text) => send(200, text, options.registry.contentType),
            (error: Error) => send(500, `${error.message}\n`),
          );
        default:
          return send(404, 'try /metrics, /healthz or /readyz\n');
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
    return new OpsServer(server);
  }

  /** Where it listens, e.g. `http://127.0.0.1:9464`. */
  get url(): string {
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
