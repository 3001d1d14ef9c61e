/**
 * The node stops cleanly on SIGINT (Ctrl-C, roslaunch) and SIGTERM:
 *
 *   rosmaster ◄── registerPublisher ~composite, ~composite/compressed; registerSubscriber camera
 *   test ── SIGINT | SIGTERM ──► client node ── unregister… ──► rosmaster
 *                                 └─ exit 0, within 5 s
 *
 * Afterwards neither `rosnode list` nor the master's getSystemState knows the node.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { namesIn, rosnodeList, systemState } from '../helpers/master-state.js';
import { needsRoslaunch } from '../helpers/needs.js';
import type { LoggedProcess } from '../helpers/processes.js';
import { type Master, startClient, startMaster } from '../helpers/ros.js';
import { type StandInServer, startStandInServer } from '../helpers/stand-in-server.js';
import { sleep } from '../helpers/wait.js';

let master: Master | undefined;
let server: StandInServer | undefined;
const clients: LoggedProcess[] = [];

after(async () => {
  for (const client of clients) await client.stop('SIGKILL');
  server?.close();
  await master?.stop();
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // rosnode, from the same packages as roslaunch, reads the master's view of the node.
  test(`client node: ${signal} unregisters everything from the master and exits 0`, {
    skip: needsRoslaunch(),
  }, async () => {
    master ??= await startMaster();
    server ??= await startStandInServer((image) => image);
    const name = `/stop_${signal.toLowerCase()}`;
    const client = startClient(master.env, name.slice(1), {
      server: server.endpoint,
      display: 'topic,web',
      web_port: 0,
    });
    clients.push(client);
    const port = master.port;
    // Registered: the camera subscription and both composite topics.
    const deadline = Date.now() + 30_000;
    let state = await systemState(port);
    while (namesIn(state).filter((n) => n === name).length < 3) {
      assert.ok(
        Date.now() < deadline,
        `${name} not registered: ${state}\n${client.tail.join('\n')}`,
      );
      await sleep(200);
      state = await systemState(port);
    }
    assert.ok(rosnodeList(master.env).includes(name), 'rosnode list shows the node');

    const sentAt = Date.now();
    client.child.kill(signal);
    const code = await Promise.race([client.exited, sleep(8000).then(() => 'hung')]);
    const tookMs = Date.now() - sentAt;
    assert.equal(code, 0, `exit ${code}; ${client.tail.join('\n')}`);
    assert.ok(tookMs < 6000, `stopped in ${tookMs} ms`);
    const after = await systemState(port);
    assert.ok(!namesIn(after).includes(name), `the master still knows ${name}: ${after}`);
    assert.ok(!rosnodeList(master.env).includes(name), 'rosnode list no longer shows it');
    assert.ok(
      client.lines.some(
        (line) => line.msg === 'robot client stopped: unregistered from the master',
      ),
    );
  });
}
