import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { REPO, SERVER_BIN, skipUnless, startLineOf } from '../helpers.js';

const UNIT = `${REPO}deploy/maskrcnn-zmq.service`;
/** The node the unit starts, where Debian's and NodeSource's packages put it. */
const UNIT_NODE = '/usr/bin/node';
/** `serve --shutdown-grace-ms` by default: systemd must wait longer before SIGKILL. */
const SHUTDOWN_GRACE_S = 10;

const WITHOUT_SYSTEMD_ANALYZE = skipUnless(
  spawnSync('systemd-analyze', ['--version']).status === 0,
  'systemd-analyze (apt-get install systemd; it works without a running systemd)',
);

/** The `[Service]` settings of a unit file: key → values in order, continued lines joined. */
function serviceSettings(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = '';
  for (const line of text.replace(/\\\n/g, ' ').split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(trimmed);
    if (header) {
      section = header[1]!;
    } else if (section === 'Service') {
      const eq = trimmed.indexOf('=');
      const key = trimmed.slice(0, eq);
      settings.set(key, [...(settings.get(key) ?? []), trimmed.slice(eq + 1).trim()]);
    }
  }
  return settings;
}

describe('deploy/maskrcnn-zmq.service', () => {
  const text = readFileSync(UNIT, 'utf8');
  const service = serviceSettings(text);
  const only = (key: string) => {
    const values = service.get(key) ?? [];
    assert.equal(values.length, 1, `${key}= should be set once, got ${JSON.stringify(values)}`);
    return values[0]!;
  };

  test('systemd-analyze verify reports no problems', { skip: WITHOUT_SYSTEMD_ANALYZE }, () => {
    // verify checks that each Exec*= command is executable (node, /bin/kill) but not the
    // paths in its arguments, nor that User= exists (systemd 252). The file is checked as it
    // is; only where node is not at /usr/bin/node (nvm, a tarball) does a copy name this
    // test's node instead, so that the check is about the unit rather than this machine.
    let path = UNIT;
    let dir: string | undefined;
    if (!existsSync(UNIT_NODE)) {
      dir = mkdtempSync(join(tmpdir(), 'maskrcnn-zmq-unit-'));
      path = join(dir, 'maskrcnn-zmq.service');
      writeFileSync(path, text.replaceAll(`${UNIT_NODE} `, `${process.execPath} `));
    }
    try {
      const result = spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' });
      // An unknown key or a value it cannot parse is only a warning (exit 0, a line on stderr).
      assert.equal(result.status, 0, result.stderr);
      assert.equal(`${result.stdout}${result.stderr}`.trim(), '');
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  test('runs as its own user, restarted on failure', () => {
    assert.ok(!['', 'root', '0'].includes(only('User')), `User=${only('User')}`);
    assert.equal(only('Restart'), 'on-failure');
    assert.match(only('ExecStart'), /\/opt\/maskrcnn-zmq\/server\/dist\/src\/main\.js serve /);
    assert.equal(only('ExecReload'), '/bin/kill -HUP $MAINPID');
  });

  test('starts the server as `npm start` does: the same malloc tunable and node flags', () => {
    const { tunables, nodeFlags } = startLineOf(SERVER_BIN);
    assert.equal(only('Environment'), `GLIBC_TUNABLES=${tunables}`);
    assert.ok(
      only('ExecStart').startsWith(
        `${UNIT_NODE} ${nodeFlags} /opt/maskrcnn-zmq/server/dist/src/main.js serve `,
      ),
      only('ExecStart'),
    );
  });

  test('waits for a clean shutdown before killing', () => {
    assert.equal(only('KillSignal'), 'SIGTERM');
    const stop = /^(\d+)s$/.exec(only('TimeoutStopSec'));
    assert.ok(stop, `TimeoutStopSec=${only('TimeoutStopSec')} should be in seconds`);
    assert.ok(Number(stop[1]) > SHUTDOWN_GRACE_S, `TimeoutStopSec=${stop[1]}s`);
  });

  test('is sandboxed, yet can reach the GPU and run V8', () => {
    assert.equal(only('ProtectSystem'), 'strict');
    assert.equal(only('NoNewPrivileges'), 'yes');
    assert.equal(only('PrivateTmp'), 'yes');
    assert.equal(only('ProtectHome'), 'yes');
    assert.equal(only('CapabilityBoundingSet'), '');
    // /dev/nvidia* must stay reachable: no private /dev and no device allow-list.
    assert.equal(only('PrivateDevices'), 'no');
    for (const key of ['DevicePolicy', 'DeviceAllow', 'ProtectClock']) {
      assert.ok(!service.has(key), `${key}= would hide /dev/nvidia* from CUDA`);
    }
    // V8's JIT writes the code it then runs.
    assert.ok(!service.has('MemoryDenyWriteExecute'));
  });

  test('allows netlink, which libzmq needs to bind a tcp:// address', () => {
    // Without it, binding tcp://0.0.0.0:38282 aborts the process in libzmq's getifaddrs call.
    assert.deepEqual(only('RestrictAddressFamilies').split(/\s+/).sort(), [
      'AF_INET',
      'AF_INET6',
      'AF_NETLINK',
      'AF_UNIX',
    ]);
  });
});
