import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';

/** The live page: one static file, read from the package's source tree beside `dist/` (no build step). */
const PAGE = new URL('../../../../src/doors/http/page/index.html', import.meta.url);

/** `GET /`: the page that sends a photo or the webcam through `/v1/getMask` and `/v1/detect`. */
export async function pageRoute(app: FastifyInstance): Promise<void> {
  const html = await readFile(PAGE);
  app.get('/', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html),
  );
}
