import type { ServerInfo } from '@maskrcnn-zmq/shared';
import type { Method } from './method.js';

export function info(describeServer: () => ServerInfo): Method {
  return {
    name: 'info',
    doc:
      'info() -> {name, version, model: {name, source, classes, inputSize}, executionProvider, ' +
      'threads, workers, queue: {limit, perPeerLimit, maxWaitMs, waiting, running}, heartbeatMs, ' +
      'maxInputPixels, maxMessageBytes, counters: {dropped, errors, abandoned, workerRestarts}, ' +
      'memoryMiB: {rss, heapUsed, external}}',
    args: [],
    handler: async () => describeServer(),
  };
}
