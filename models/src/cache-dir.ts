/**
 * Where downloaded and converted models live. One folder per model under the cache root, so
 * two models never share a file and deleting a model is deleting its folder.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** The environment variable that moves the cache root. */
export const CACHE_ENV = 'MASKRCNN_ZMQ_CACHE';
const CACHE_NAME = 'maskrcnn-zmq';

/**
 * The cache root: `cacheDir` if given (the server's --model-dir), else `$MASKRCNN_ZMQ_CACHE`,
 * else `$XDG_CACHE_HOME/maskrcnn-zmq`, else `~/.cache/maskrcnn-zmq`. Relative paths are taken
 * from the working directory; a relative XDG_CACHE_HOME is ignored, as the XDG spec says.
 */
export function resolveCacheDir(
  cacheDir?: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  if (cacheDir) return resolve(cacheDir);
  const fromEnv = env[CACHE_ENV];
  if (fromEnv) return resolve(fromEnv);
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, CACHE_NAME);
  return join(homedir(), '.cache', CACHE_NAME);
}

/** The folder of one model in the cache. */
export function modelDir(cacheRoot: string, model: string): string {
  return join(cacheRoot, model);
}
