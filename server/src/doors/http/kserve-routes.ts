import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { infer } from '../open-inference/infer.js';
import {
  EXTENSIONS,
  MODEL_NAME,
  modelMetadata,
  requireOurModel,
} from '../open-inference/signature.js';
import type { DoorServices } from './door-services.js';
import { sendInferResponse } from './infer-reply.js';
import { readInferRequest } from './infer-request.js';
import { runCall } from './run-call.js';

interface ModelParams {
  model: string;
  version?: string;
}

/**
 * The Open Inference Protocol (KServe v2) over REST: health, server and model metadata, and
 * infer with JSON or the binary tensor data extension. The model's signature and the inference
 * itself are door-neutral (`doors/open-inference/`); this file only translates the wire.
 */
export async function kserveRoutes(app: FastifyInstance, services: DoorServices): Promise<void> {
  const { runner, pool } = services;
  const ready = () => runner.accepting;

  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async (_request, reply) => {
    reply.code(ready() ? 200 : 503);
    return { ready: ready() };
  });
  app.get('/v2', async () => ({
    name: services.server.name,
    version: services.server.version,
    extensions: EXTENSIONS,
  }));

  for (const model of ['/v2/models/:model', '/v2/models/:model/versions/:version']) {
    app.get<{ Params: ModelParams }>(model, async (request) => {
      requireOurModel(request.params.model, request.params.version);
      return modelMetadata(pool.model);
    });
    app.get<{ Params: ModelParams }>(`${model}/ready`, async (request, reply) => {
      requireOurModel(request.params.model, request.params.version);
      reply.code(ready() ? 200 : 503);
      return { name: MODEL_NAME, ready: ready() };
    });
  }

  // The body is read as bytes whatever its type: JSON alone, or JSON then binary tensors.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );
    const inferRoute = async (
      request: FastifyRequest<{ Params: ModelParams; Body: Buffer | undefined }>,
      reply: FastifyReply,
    ) => {
      requireOurModel(request.params.model, request.params.version);
      const header = request.headers['inference-header-content-length'];
      return runCall(
        runner,
        request,
        reply,
        'infer',
        async (context) => {
          const read = readInferRequest(
            request.body ?? Buffer.alloc(0),
            header === undefined ? undefined : String(header),
          );
          return { read, response: await infer(pool, read.request, context) };
        },
        ({ read, response }) => sendInferResponse(reply, response, read.binaryOutput),
      );
    };
    for (const model of ['/v2/models/:model', '/v2/models/:model/versions/:version']) {
      scope.post(`${model}/infer`, { config: { method: 'infer' } }, inferRoute);
    }
  });
}
