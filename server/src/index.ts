/** The server as a library: start one in-process, or run one job the way a worker does. */

export { MaskRcnnPipeline } from './inference/pipeline.js';
export type { Job, JobOutput } from './jobs/job.js';
export { runJob } from './jobs/run-job.js';
export { DEFAULT_PORT, SERVER_NAME, type ServerOptions, VisionServer } from './server.js';
