import { isWireErrorName, RemoteError, remoteErrorFrom } from '@maskrcnn-zmq/shared';
import type { JobFailure } from './job.js';

/** A job failed inside the worker with an error nobody raised on purpose; `stack` is the worker's. */
export class JobCrashedError extends Error {
  override name = 'JobCrashed';
}

/** A job stopped at a stage boundary because it was cancelled. */
export class JobCancelledError extends Error {
  override name = 'JobCancelled';
}

/**
 * A worker's error as it crosses to the pool. Only the wire errors a stage raises on purpose
 * keep their name: a JavaScript `TypeError` must not reach the caller as zerorpc's `TypeError`
 * (wrong number of arguments).
 */
export function failureOf(error: unknown): JobFailure {
  const { message, stack } = error instanceof Error ? error : new Error(String(error));
  if (error instanceof JobCancelledError) return { message, cancelled: true };
  if (error instanceof RemoteError && isWireErrorName(error.name)) {
    return { wireName: error.name, message };
  }
  return { message, stack };
}

/** The error a failure stands for, on the pool's side: a wire error by own name only, anything else a crash. */
export function errorOf(failure: JobFailure): Error {
  if (failure.wireName !== undefined && isWireErrorName(failure.wireName)) {
    return remoteErrorFrom(failure.wireName, failure.message, '');
  }
  if (failure.cancelled) return new JobCancelledError(failure.message);
  const error = new JobCrashedError(failure.message);
  if (failure.stack) error.stack = failure.stack;
  return error;
}
