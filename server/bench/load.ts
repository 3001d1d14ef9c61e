/**
 * `npm run load`: many honest clients against one real server process, checking that no reply
 * is lost or delivered to the wrong caller, and what latency and throughput they get.
 *
 * Starts `maskrcnn-zmq serve --queue 128` as a child once, then runs each client count in turn
 * for `--seconds` (load/run-load.ts), with resident memory before and after. Exits non-zero on
 * any lost or misrouted reply, or if the server died.
 *
 * Flags: --clients 32,64 (one run per count), --seconds S (per run, default 60).
 */
import { parseArgs } from 'node:util';
import { coco128Photos } from './load/photos.js';
import { type LoadReport, runLoad } from './load/run-load.js';
import { ServerProcess } from './server-process.js';
import { table } from './table.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '32,64' },
    seconds: { type: 'string', default: '60' },
  },
});
const counts = values.clients.split(',').map(Number);
const seconds = Number(values.seconds);
const photos = coco128Photos();

const server = await ServerProcess.start({ flags: ['--queue', '128'] });
console.log(
  `server pid ${server.pid} at ${server.endpoint}; ${photos.length} photos ` +
    `(${photos.filter((p) => p.width === 640 && p.height === 480).length} of 640×480)`,
);
const rssBefore = server.rssMiB();
const reports: LoadReport[] = [];
for (const clients of counts) {
  if (!server.alive) break;
  console.log(`\n${clients} clients × ${seconds} s`);
  const report = await runLoad({ endpoint: server.endpoint, clients, seconds, images: photos });
  reports.push(report);
  console.log(
    table(
      [
        'calls',
        'ok',
        'lost',
        'misrouted',
        'overloaded',
        'other errors',
        'p50 ms',
        'p99 ms',
        'ok/s',
      ],
      [
        [
          report.calls,
          report.ok,
          report.lost,
          report.misrouted,
          report.overloaded,
          JSON.stringify(report.errors),
          report.p50Ms,
          report.p99Ms,
          report.throughput,
        ],
      ],
    ),
  );
  for (const misroute of report.misroutes) console.log(`  misrouted: ${misroute}`);
}
const rssAfter = server.alive ? server.rssMiB() : undefined;
console.log(
  `\nresident memory: ${rssBefore.toFixed(0)} MiB before, ${rssAfter?.toFixed(0) ?? '-'} MiB after`,
);

const problems: string[] = [];
if (!server.alive) {
  problems.push(`the server died: ${JSON.stringify(server.exitStatus)}\n${server.lastLines()}`);
}
for (const report of reports) {
  if (report.lost > 0) problems.push(`${report.clients} clients: ${report.lost} replies lost`);
  if (report.misrouted > 0) {
    problems.push(`${report.clients} clients: ${report.misrouted} replies misrouted`);
  }
}
await server.stop();
for (const problem of problems) console.log(`FAIL: ${problem}`);
if (problems.length === 0) console.log('PASS');
process.exitCode = problems.length === 0 ? 0 : 1;
