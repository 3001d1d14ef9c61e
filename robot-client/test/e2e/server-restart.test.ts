/**
 * The real server is killed mid-run and started again on the same port:
 *
 *   camera 10 Hz ──► client node ── getMask ──► server            composites flow
 *                                   ╳ SIGKILL                      calls time out (1.5 s), the
 *                                                                  outage is logged once
 *                                   new server, same port ──►      the next call on a fresh
 *                                                                  socket reaches it; composites
 *                                                                  flow again, same client pid
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { RosNode } from '../../src/camera/ros-node.js';
import { photoMessage } from '../helpers/frames.js';
import { firstReason, needsModel, needsRosMaster } from '../helpers/needs.js';
import type { LoggedProcess } from '../helpers/processes.js';
import {
  freePort,
  joinRos,
  type Master,
  photo,
  startClient,
  startMaster,
  startServer,
} from '../helpers/ros.js';
import { sleep, until } from '../helpers/wait.js';

let master: Master | undefined;
let server: LoggedProcess | undefined;
let client: LoggedProcess | undefined;
let node: RosNode | undefined;
let camera: NodeJS.Timeout | undefined;

after(async () => {
  clearInterval(camera);
  await client?.stop();
  await server?.stop();
  await node?.shutdown();
  await master?.stop();
});

test('client node: the server is killed and restarted; the client reports it and resumes by itself', {
  skip: firstReason(needsRosMaster(), needsModel()),
}, async (t) => {
  master = await startMaster();
  const port = await freePort();
  server = await startServer(port);
  client = startClient(master.env, 'restart_client', {
    server: `tcp://127.0.0.1:${port}`,
    display: 'topic',
    timeout_ms: 1500,
    figures_period_s: 1,
  });
  node = await joinRos(master.env, 'restart_camera');
  const image = await photoMessage(photo('000000000459.jpg'));
  const publisher = node.advertise('/cameras/right_hand_camera/image', 'sensor_msgs/Image');
  camera = setInterval(() => publisher.publish(image), 100);
  const composites: number[] = [];
  node.subscribe('/restart_client/composite/compressed', 'sensor_msgs/CompressedImage', () =>
    composites.push(Date.now()),
  );
  await until(() => composites.length >= 3, 30_000, 'composites before the kill').catch((error) => {
    throw new Error(`${error.message}; client said:\n${client?.tail.join('\n')}`);
  });

  server.child.kill('SIGKILL');
  await server.exited;
  const killedAt = Date.now();
  const outage = await client.waitFor(
    (line) => line.msg === 'the server did not answer; going on with the newest frames',
    10_000,
    'the outage report',
  );
  await sleep(2000);
  const duringOutage = composites.filter((at) => at > killedAt + 500).length;
  assert.equal(duringOutage, 0, 'no composites while the server is down');

  const before = composites.length;
  server = await startServer(port);
  const readyAt = Date.now();
  await until(() => composites.length > before, 15_000, 'a composite after the restart');
  const resumedMs = composites[before] - readyAt;
  assert.ok(resumedMs < 5000, `resumed ${resumedMs} ms after the server was ready`);
  const recovered = await client.waitFor(
    (line) => line.msg === 'the server answers again',
    5000,
    'the recovery report',
  );
  assert.ok(client.running, 'the client node kept running');
  assert.equal(client.lines.filter((l) => l.msg === 'robot client starting').length, 1);
  const figures = client.lines.filter((l) => l.msg === 'figures').at(-1)?.figures as {
    lastError: { name: string } | null;
  };
  assert.ok(figures.lastError, 'the figures carry the last error');
  t.diagnostic(
    `outage reported ${Number(outage.time) - killedAt} ms after the kill (${(outage.err as { type: string }).type}); ` +
      `first composite ${resumedMs} ms after the new server was ready; ` +
      `outage ${recovered.outageMs} ms, ${recovered.failedFrames} failed calls`,
  );
});
