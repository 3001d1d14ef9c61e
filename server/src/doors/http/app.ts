import { RemoteError } from '@maskrcnn-zmq/shared';
import fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  LogController,
} from 'fastify';
import type { TokenList } from './access.js';
import type { DoorServices } from './door-services.js';
import { errorReply, fromFastifyError } from './errors.js';
import { kserveRoutes } from './kserve-routes.js';
import { pageRoute } from './page-route.js';
import { plainRoutes } from './plain-routes.js';
import { peerOf } from './run-call.js';

/** Routes anyone who reaches the port may use: probes, and the page (which holds no data). */
const OPEN_ROUTES = new Set(['/', '/v2/health/live', '/v2/health/ready']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The call a route runs, as logs and metrics name it; absent on routes that are not calls. */
    method?: string;
  }
}

/**
 * The HTTP door's routes on one fastify instance: the page, the plain `/v1` endpoints and the
 * Open Inference `/v2` ones, behind bearer tokens when `tokens` is given. A request refused
 * before its call runs (a body over the limit, a content type nobody reads, a query that fails its
 * schema) is answered here, and counted as a refused call when its route is a call.
 */
export async function buildApp(
  services: DoorServices,
  tokens: TokenList | undefined,
  https: { cert: Buffer; key: Buffer } | undefined,
): Promise<FastifyInstance> {
  const app = fastify({
    bodyLimit: services.maxMessageBytes,
    loggerInstance: services.log.child({ door: 'http' }) as FastifyBaseLogger,
    // The runner logs each call once; fastify's lines per request would say it twice.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: 'x-request-id',
    ...(https ? { https } : {}),
  });

  if (tokens) {
    app.addHook('onRequest', async (request, reply) => {
      if (
        OPEN_ROUTES.has(request.routeOptions.url ?? '') ||
        tokens.admits(request.headers.authorization)
      ) {
        return;
      }
      const error = new RemoteError(
        'Unauthorized',
        'send Authorization: Bearer <token> with one of the tokens of --http-tokens',
      );
      return reply.send(errorReply(request, reply, error));
    });
  }
  app.setErrorHandler<FastifyError>((error, request, reply) => {
    const remote = fromFastifyError(error, request, services.maxMessageBytes);
    if (remote.name === 'InternalError') request.log.error({ err: error }, 'HTTP request failed');
    const method = request.routeOptions.config.method;
    if (method) {
      services.runner.refused(
        { door: 'http', method, requestId: request.id, peer: peerOf(request) },
        remote,
      );
    }
    return reply.send(errorReply(request, reply, remote));
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new RemoteError(
      'NotFound',
      `no route ${request.method} ${request.url.split('?')[0]}; see GET / , /v1/getMask, /v1/detect, /v2`,
    );
    return reply.send(errorReply(request, reply, error));
  });

  await app.register(pageRoute);
  await app.register(kserveRoutes, services);
  await app.register(plainRoutes, services);
  return app;
}
