// Finds the repository's compiled programs for the node scripts beside this file, whether the
// package runs from the repository (launch/nodes/) or from a catkin install space
// (lib/maskrcnn_zmq/), in this order:
//   1. $MASKRCNN_ZMQ_ROOT, the repository's root: when set, it alone is used;
//   2. maskrcnn_zmq_root beside this file, the root the package was built from, which
//      CMakeLists.txt writes into the devel and install spaces;
//   3. the repository around this file (../..), where it runs from the checkout.
// The programs are built with `npm ci && npm run build` at the repository's root.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Each place to look, with how it was found, for the failure message. */
function roots() {
  if (process.env.MASKRCNN_ZMQ_ROOT) return [[process.env.MASKRCNN_ZMQ_ROOT, 'MASKRCNN_ZMQ_ROOT']];
  const found = [];
  const recorded = join(here, 'maskrcnn_zmq_root');
  if (existsSync(recorded)) found.push([readFileSync(recorded, 'utf8').trim(), recorded]);
  found.push([resolve(here, '../..'), `the repository around ${here}`]);
  return found;
}

/** Imports `program` (e.g. `robot-client/dist/src/main.js`) from the first root that has it. */
export async function runProgram(program) {
  const tried = [];
  for (const [root, source] of roots()) {
    const main = join(root, program);
    if (existsSync(main)) return import(pathToFileURL(main).href);
    tried.push(`${main} (${source})`);
  }
  console.error(
    `maskrcnn_zmq: ${program} is not built where this package looks: ${tried.join('; ')}. ` +
      'Build it (npm ci && npm run build in the repository) and set MASKRCNN_ZMQ_ROOT to the ' +
      'repository, or rebuild the catkin workspace with -Dmaskrcnn_zmq_ROOT=<repository>.',
  );
  process.exit(1);
}
