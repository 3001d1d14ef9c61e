import { randomUUID } from 'node:crypto';
import type { ServerUnaryCall, sendUnaryData, UntypedServiceImplementation } from '@grpc/grpc-js';
import { InternalError, type RemoteError } from '@maskrcnn-zmq/shared';
import type { CallRunner } from '../../calls/call-runner.js';
import type { JobPool } from '../../jobs/job-pool.js';
import { infer } from '../open-inference/infer.js';
import {
  EXTENSIONS,
  isOurModel,
  modelMetadata,
  requireOurModel,
} from '../open-inference/signature.js';
import { inferRequestOf, inferResponseMessage } from './infer-messages.js';
import type { ModelInferRequest, ModelInferResponse, ModelRequest } from './service-definition.js';
import { grpcError } from './status.js';

export interface InferenceServiceContext {
  runner: CallRunner;
  pool: JobPool;
  /** The server as `ServerMetadata` names it. */
  server: { name: string; version: string };
}

/**
 * How near its deadline a cancelled call counts as expired rather than abandoned: grpc-js ends
 * an expired call itself, a moment before the runner's own timer for the same deadline fires.
 */
const DEADLINE_SLACK_MS = 20;

/**
 * The handlers of `inference.GRPCInferenceService`. Health and metadata are answered here from
 * the model's signature; `ModelInfer` runs through the {@link CallRunner} like a call from any
 * door, and its errors leave as gRPC statuses (`status.ts`).
 */
export function inferenceService({
  runner,
  pool,
  server,
}: InferenceServiceContext): UntypedServiceImplementation {
  const answer =
    <Request, Response>(respond: (request: Request) => Response) =>
    (call: ServerUnaryCall<Request, Response>, callback: sendUnaryData<Response>) =>
      callback(null, respond(call.request));
  return {
    ServerLive: answer(() => ({ live: true })),
    ServerReady: answer(() => ({ ready: runner.accepting })),
    ModelReady: answer(({ name, version }: ModelRequest) => ({
      ready: runner.accepting && isOurModel(name, version),
    })),
    ServerMetadata: answer(() => ({ ...server, extensions: [...EXTENSIONS] })),
    ModelMetadata(call: ServerUnaryCall<ModelRequest, unknown>, callback: sendUnaryData<unknown>) {
      const { name, version } = call.request;
      try {
        requireOurModel(name, version);
      } catch (error) {
        callback(grpcError(error as RemoteError));
        return;
      }
      callback(null, modelMetadata(pool.model));
    },
    ModelInfer(
      call: ServerUnaryCall<ModelInferRequest, ModelInferResponse>,
      callback: sendUnaryData<ModelInferResponse>,
    ) {
      const { request } = call;
      const deadline = Number(call.getDeadline());
      const gone = new AbortController();
      call.once('cancelled', () => {
        if (Date.now() < deadline - DEADLINE_SLACK_MS) {
          gone.abort(new InternalError('the caller cancelled the call'));
        }
      });
      runner
        .run(
          {
            door: 'grpc',
            method: 'ModelInfer',
            requestId: request.id || randomUUID(),
            peer: call.getPeer(),
            timeoutMs: Number.isFinite(deadline) ? Math.max(0, deadline - Date.now()) : undefined,
            gone: gone.signal,
          },
          async (context) => {
            requireOurModel(request.model_name, request.model_version);
            return inferResponseMessage(await infer(pool, inferRequestOf(request), context));
          },
        )
        .then(
          (response) => callback(null, response),
          (error: RemoteError) => {
            // A caller that is gone has nobody to answer.
            if (!gone.signal.aborted) callback(grpcError(error));
          },
        );
    },
  };
}
