import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import type { RemoteError, WireErrorName } from '@maskrcnn-zmq/shared';

/**
 * Each wire error, and the Open Inference doors' `NotFound` (another model), as a gRPC status
 * code, as the HTTP door maps them to HTTP statuses.
 */
export const GRPC_STATUS: Record<WireErrorName | 'NotFound', status> = {
  BadRequest: status.INVALID_ARGUMENT,
  InvalidImage: status.INVALID_ARGUMENT,
  TypeError: status.INVALID_ARGUMENT,
  ImageTooLarge: status.RESOURCE_EXHAUSTED,
  Overloaded: status.UNAVAILABLE,
  ShuttingDown: status.UNAVAILABLE,
  DeadlineExceeded: status.DEADLINE_EXCEEDED,
  NameError: status.NOT_FOUND,
  NotFound: status.NOT_FOUND,
  InternalError: status.INTERNAL,
};

/** The trailing metadata key that carries the wire error's name, for clients that match on it. */
export const ERROR_NAME_KEY = 'error-name';

/**
 * A failed call's status: the mapped code, `NAME: message` as its details (what people read),
 * and the name alone in the trailers (what programs match on).
 */
export function grpcError(error: RemoteError): Partial<ServiceError> {
  const metadata = new Metadata();
  metadata.set(ERROR_NAME_KEY, error.name);
  return {
    code: isMapped(error.name) ? GRPC_STATUS[error.name] : status.INTERNAL,
    details: `${error.name}: ${error.message}`,
    metadata,
  };
}

function isMapped(name: string): name is keyof typeof GRPC_STATUS {
  return Object.hasOwn(GRPC_STATUS, name);
}
