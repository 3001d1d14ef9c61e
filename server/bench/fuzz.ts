/**
 * `npm run fuzz`: hostile messages at a real server process, then proof that it still serves.
 *
 * Starts `maskrcnn-zmq serve` as a child, warms it with one getMask, sends `--messages` hostile
 * messages over `--sockets` DEALER sockets (fuzz/run-fuzz.ts) while an honest client calls
 * info() every second, then asks for a correct getMask and compares resident memory before and
 * after. Exits non-zero if the server died, the final getMask failed, or memory grew by more
 * than 150 MiB.
 *
 * Flags: --messages N (default 10000), --sockets N (default 8), --seed N (default 1),
 * --kinds a,b (only these kinds or families, e.g. hostile-base64,envelope), --deadline-s S
 * (stop sending after S seconds, default 300).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { type ServerInfo, VisionClient } from '@maskrcnn-zmq/shared';
import { type FuzzReport, runFuzz } from './fuzz/run-fuzz.js';
import { stillServes } from './fuzz/still-serves.js';
import { ServerProcess } from './server-process.js';
import { table } from './table.js';

const RSS_GROWTH_LIMIT_MIB = 150;

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    sockets: { type: 'string', default: '8' },
    seed: { type: 'string', default: '1' },
    kinds: { type: 'string' },
    'deadline-s': { type: 'string', default: '300' },
  },
});

const server = await ServerProcess.start();
console.log(`server pid ${server.pid} at ${server.endpoint}`);
const warmUp = await stillServes(server.endpoint);
if (!warmUp.ok) throw new Error(`the warm-up getMask failed: ${warmUp.problem}`);
const rssBefore = server.rssMiB();

const report = await runFuzz({
  endpoint: server.endpoint,
  messages: Number(values.messages),
  sockets: Number(values.sockets),
  seed: Number(values.seed),
  kinds: values.kinds?.split(','),
  deadlineMs: Number(values['deadline-s']) * 1000,
  log: (line) => console.log(line),
});

const final = server.alive ? await stillServes(server.endpoint) : undefined;
// The server collects a large message's memory within a second of being done with it.
await sleep(1500);
const rssAfter = server.alive ? server.rssMiB() : undefined;
const info = server.alive ? await serverInfo(server.endpoint) : 'the server is gone';

printReport(report);
console.log('\nthe server counted');
console.log(
  typeof info === 'string' ? `  info(): ${info}` : JSON.stringify(info.counters, null, 2),
);
if (typeof info !== 'string') console.log(`its memory now, MiB: ${JSON.stringify(info.memoryMiB)}`);
console.log(
  table(
    ['warning logged', 'lines'],
    [...server.warnings].sort(([a], [b]) => a.localeCompare(b)),
  ),
);

const problems: string[] = [];
if (!server.alive) problems.push(`the server died: ${JSON.stringify(server.exitStatus)}`);
if (final && !final.ok) problems.push(`the final getMask failed: ${final.problem}`);
if (rssAfter !== undefined && rssAfter - rssBefore > RSS_GROWTH_LIMIT_MIB) {
  problems.push(
    `resident memory grew by ${(rssAfter - rssBefore).toFixed(0)} MiB (limit ${RSS_GROWTH_LIMIT_MIB})`,
  );
}
console.log(
  `\nresident memory: ${rssBefore.toFixed(0)} MiB before, ${rssAfter?.toFixed(0) ?? '-'} MiB after`,
);
console.log(
  `final getMask: ${final ? (final.ok ? `a JPEG of the right size in ${final.ms.toFixed(0)} ms` : final.problem) : 'not tried'}`,
);
if (!server.alive) console.log(`server's last lines:\n${server.lastLines()}`);
await server.stop();
for (const problem of problems) console.log(`FAIL: ${problem}`);
if (problems.length === 0) console.log('PASS');
process.exitCode = problems.length === 0 ? 0 : 1;

/** `info()` as the server answers it, or why it did not. */
async function serverInfo(endpoint: string): Promise<ServerInfo | string> {
  const client = new VisionClient({ endpoint, timeoutMs: 10_000 });
  try {
    return await client.info();
  } catch (error) {
    return `info() failed: ${(error as Error).message}`;
  } finally {
    client.close();
  }
}

function printReport(report: FuzzReport): void {
  console.log(`\nmessages by kind (seed ${values.seed})`);
  console.log(
    table(
      ['kind', 'sent', 'answerable', 'answered', 'answers'],
      Object.entries(report.byKind).map(([kind, t]) => [
        kind,
        t.sent,
        t.answerable,
        t.answered,
        Object.entries(t.outcomes)
          .map(([outcome, count]) => `${outcome} ${count}`)
          .join(', '),
      ]),
    ),
  );
  const unanswered = Object.entries(report.byKind).filter(([, t]) => t.answered < t.answerable);
  console.log(
    `\nkinds with answerable messages left unanswered: ${unanswered.map(([kind, t]) => `${kind} (${t.answerable - t.answered})`).join(', ') || 'none'}`,
  );
  const { replies, honest } = report;
  console.log('\nreplies');
  console.log(
    table(
      ['reply', 'count'],
      [
        ['OK', replies.OK],
        ...Object.entries(replies.ERR)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, count]): [string, number] => [`ERR ${name}`, count]),
        ['_zpc_hb', replies.heartbeats],
        ['unsolicited OK/ERR', replies.unsolicited],
        ['other', replies.other],
      ],
    ),
  );
  console.log(
    `\nsent ${report.sent} (${report.sendFailures} sends timed out${report.stoppedEarly ? ', stopped at the deadline' : ''}) ` +
      `in ${(report.elapsedMs / 1000).toFixed(1)} s; answered ${report.answered} of ${report.answerable} answerable; ` +
      `the ping after each socket's last message answered on ${report.pingsAnswered} of ${Number(values.sockets)} sockets`,
  );
  console.log(
    `honest info() calls: ${honest.ok} ok, ${honest.failed} failed ${JSON.stringify(honest.errors)}, slowest ${honest.slowestMs.toFixed(0)} ms`,
  );
}
