import type { ServerInfo } from '@maskrcnn-zmq/shared';
import type { Method } from './method.js';

export function info(describeServer: () => ServerInfo): Method {
  return {
    name: 'info',
    doc:
      'info() -> {name, version, model: {name, source, classes, inputSize}, executionProvider, ' +
      'threads, workers, queue: {limit, waiting, running}, heartbeatMs, maxInputPixels}',
    args: [],
    handler: async () => describeServer(),
  };
}
