export { until } from '@maskrcnn-zmq/shared/test-support';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
