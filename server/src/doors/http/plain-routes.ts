import multipart from '@fastify/multipart';
import { BadRequestError, RemoteError } from '@maskrcnn-zmq/shared';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sniffFormat } from '../../image/sniff.js';
import { classNamesIn } from '../../methods/validate.js';
import type { DoorServices } from './door-services.js';
import { runCall } from './run-call.js';

/** The image types a body may declare; the image itself is told by its magic bytes later. */
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'];

/**
 * The options of `getMask` and `detect` as query parameters, typed so that fastify turns the
 * text into numbers, booleans and a list; which options a method takes, and their ranges, the
 * method itself checks (`methods/`), as for every door.
 */
const QUERY = {
  type: 'object',
  properties: {
    scoreThreshold: { type: 'number' },
    maxDetections: { type: 'number' },
    masks: { type: 'boolean' },
    classes: { type: 'array', items: { type: 'string' } },
    format: { type: 'string' },
    quality: { type: 'number' },
    timeoutMs: { type: 'number' },
  },
} as const;

type Query = Record<string, unknown> & { classes?: string[] };

/**
 * `POST /v1/getMask` → the composite (`image/jpeg` or `image/png`), and `POST /v1/detect` → the
 * same JSON as the ZeroMQ `detect`. The image is the body (`Content-Type: image/jpeg|png|webp`)
 * or the one file of a `multipart/form-data` form; options are query parameters.
 */
export async function plainRoutes(app: FastifyInstance, services: DoorServices): Promise<void> {
  const { runner, dispatcher, maxMessageBytes } = services;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(IMAGE_TYPES, { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );
  await app.register(multipart, {
    limits: { fileSize: maxMessageBytes, files: 1, fields: 16, parts: 17 },
  });

  const route =
    (method: 'getMask' | 'detect', answer: (result: unknown, reply: FastifyReply) => unknown) =>
    async (request: FastifyRequest<{ Querystring: Query; Body?: Buffer }>, reply: FastifyReply) => {
      const image = await imageOf(request);
      const options = optionsOf(request.query);
      return runCall(
        runner,
        request,
        reply,
        method,
        (context) => dispatcher.call(method, [image, options], context),
        (result) => answer(result, reply),
      );
    };
  const schema = { querystring: QUERY };
  app.post(
    '/v1/getMask',
    { schema, config: { method: 'getMask' } },
    route('getMask', (composite, reply) => {
      const bytes = composite as Uint8Array;
      const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return reply.type(`image/${sniffFormat(view) ?? 'jpeg'}`).send(view);
    }),
  );
  app.post(
    '/v1/detect',
    { schema, config: { method: 'detect' } },
    route('detect', (result) => result),
  );
}

/** The image: the body as it came, or the bytes of the form's one file. */
async function imageOf(request: FastifyRequest<{ Body?: Buffer }>): Promise<Buffer> {
  if (request.isMultipart()) {
    const file = await request.file();
    if (!file) throw new BadRequestError('the multipart form holds no file; send the image as one');
    return file.toBuffer();
  }
  if (request.body === undefined) {
    throw new RemoteError(
      'UnsupportedMediaType',
      `send the image as the body with Content-Type ${IMAGE_TYPES.join(', ')}, or as the file of a multipart/form-data form`,
    );
  }
  return request.body;
}

/** The query as the method's options map; `classes` may come comma-separated, repeated, or both. */
function optionsOf(query: Query): Record<string, unknown> {
  const { classes, ...options } = query;
  return classes === undefined
    ? options
    : {
        ...options,
        classes: classes.flatMap(classNamesIn),
      };
}
