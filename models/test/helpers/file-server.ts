/**
 * A static file server on 127.0.0.1 (random port) for download tests, with the misbehaviours
 * a real mirror can show: a flipped byte, a connection cut half-way. It counts requests so a
 * test can prove that a cached file was not downloaded again.
 */
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the server answers one path. */
export type Behaviour = 'good' | 'corrupt' | 'drop-half' | 'missing';

export interface FileServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  baseUrl: string;
  /** Requests received, by path. */
  requests: Map<string, number>;
  /** How to answer each path from now on; unlisted paths answer 'good'. */
  behaviour: Map<string, Behaviour>;
  close(): Promise<void>;
}

/**
 * Serves `files` (URL path → local file). Answers are sent with a Content-Length of the whole
 * file, as a real server does, also when the body is then cut short.
 */
export async function startFileServer(files: Record<string, string>): Promise<FileServer> {
  const requests = new Map<string, number>();
  const behaviour = new Map<string, Behaviour>();
  const server: Server = createServer(async (req, res) => {
    const path = req.url ?? '/';
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const local = files[path];
    const how = behaviour.get(path) ?? 'good';
    if (!local || how === 'missing') {
      res.writeHead(404).end('not found');
      return;
    }
    const body = await readFile(local);
    if (how === 'corrupt') body[body.length >> 1] ^= 0xff;
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': body.length,
    });
    if (how === 'drop-half') {
      // Send half, let it reach the client, then cut the connection mid-body.
      res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    behaviour,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
