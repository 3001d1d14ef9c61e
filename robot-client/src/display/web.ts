import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Display, StartDisplay } from './display.js';
import { WEB_PAGE } from './web-page.js';

const BOUNDARY = 'composite';
/** Viewers beyond this get 503: each one costs a copy of every frame on the wire. */
export const MAX_VIEWERS = 16;

interface Viewer {
  response: ServerResponse;
  /** false while the socket's buffer is full; frames are skipped for it until it drains. */
  ready: boolean;
}

/**
 * A small HTTP server: `/` is a page with the live composite and figures, `/stream.mjpg` the
 * composites as MJPEG, `/frame.jpg` the newest one, `/figures.json` the figures. A viewer whose
 * connection is slow gets fewer frames, never a growing buffer.
 */
export const startWebDisplay: StartDisplay = async ({ params, figures, log }) => {
  const viewers = new Set<Viewer>();
  let latest: Uint8Array | undefined;

  const sendFrame = (viewer: Viewer, jpeg: Uint8Array) => {
    const { response } = viewer;
    response.write(
      `--${BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`,
    );
    response.write(jpeg);
    if (!response.write('\r\n')) {
      viewer.ready = false;
      response.once('drain', () => {
        viewer.ready = true;
      });
    }
  };

  const routes: Record<string, (request: IncomingMessage, response: ServerResponse) => void> = {
    '/': (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(WEB_PAGE);
    },
    '/figures.json': (_request, response) => {
      response
        .writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' })
        .end(JSON.stringify(figures.snapshot()));
    },
    '/frame.jpg': (_request, response) => {
      if (!latest) response.writeHead(503).end('no composite yet\n');
      else
        response
          .writeHead(200, { 'Content-Type': 'image/jpeg', 'Cache-Control': 'no-store' })
          .end(latest);
    },
    '/stream.mjpg': (request, response) => {
      if (viewers.size >= MAX_VIEWERS) {
        response.writeHead(503).end(`already ${MAX_VIEWERS} viewers\n`);
        return;
      }
      response.writeHead(200, {
        'Content-Type': `multipart/x-mixed-replace; boundary=${BOUNDARY}`,
        'Cache-Control': 'no-store',
      });
      const viewer: Viewer = { response, ready: true };
      viewers.add(viewer);
      request.socket.setNoDelay(true);
      response.on('close', () => viewers.delete(viewer));
      if (latest) sendFrame(viewer, latest);
    },
  };

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const route = request.method === 'GET' ? routes[path] : undefined;
    if (route) route(request, response);
    else response.writeHead(404).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(params.webPort, params.webHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, family, port } = server.address() as AddressInfo;
  const host = family === 'IPv6' ? `[${address}]` : address;
  log.info({ url: `http://${host}:${port}/` }, 'web display listening');

  const display: Display = {
    name: 'web',
    show({ jpeg }) {
      latest = jpeg;
      for (const viewer of viewers) if (viewer.ready) sendFrame(viewer, jpeg);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const viewer of viewers) viewer.response.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return display;
};
