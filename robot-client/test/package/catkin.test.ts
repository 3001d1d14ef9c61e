/**
 * launch/ as a catkin package, built the way ROS users build packages: a copy of it in the
 * src/ of a scratch workspace, built and installed with catkin_make and with catkin build
 * (catkin-tools), checked with catkin_lint; then the installed nodes must find the repository's
 * build and roslaunch must find the installed nodes.
 *
 *   <tmp>/src/maskrcnn_zmq/   (a copy of launch/)
 *     catkin_make install -Dmaskrcnn_zmq_ROOT=<repo>  ──►  <tmp>/install/lib/maskrcnn_zmq/*,
 *                                                         <tmp>/install/share/maskrcnn_zmq/*
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { onPath, skipUnless } from '@maskrcnn-zmq/shared/test-support';
import { REPO } from '../helpers/ros.js';

const run = promisify(execFile);
/** The repository's root, as CMake writes a path: no slash at the end. */
const ROOT = REPO.replace(/\/$/, '');
const scratch: string[] = [];
after(() => {
  for (const folder of scratch) rmSync(folder, { recursive: true, force: true });
});

const withoutCatkinMake = skipUnless(
  onPath('catkin_make') && onPath('cmake') && onPath('make'),
  "catkin_make (apt-get install catkin cmake make; Debian's ROS lives under /usr)",
);
const withoutCatkinTools = skipUnless(
  onPath('catkin'),
  'catkin build from catkin-tools (apt-get install catkin-tools)',
);
const withoutCatkinLint = skipUnless(
  onPath('catkin_lint'),
  'catkin_lint (apt-get install catkin-lint)',
);
const withoutRoslaunch = skipUnless(
  onPath('roslaunch'),
  'roslaunch (apt-get install python3-roslaunch)',
);

/** A scratch workspace holding a copy of launch/ as src/maskrcnn_zmq. */
function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'maskrcnn-zmq-catkin-'));
  scratch.push(root);
  cpSync(join(REPO, 'launch'), join(root, 'src/maskrcnn_zmq'), { recursive: true });
  return root;
}

/** Runs a tool in `cwd`; on failure the error carries its output. */
async function tool(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  try {
    return await run(command, args, {
      cwd,
      // catkin_make takes its base path from PWD, not from the working directory.
      env: { ...process.env, CMAKE_PREFIX_PATH: '/usr', PWD: cwd, ...env },
      timeout: 120_000,
      maxBuffer: 16 << 20,
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${error}\n${stdout}\n${stderr}`);
  }
}

/** What an install space must hold, and that its nodes find the repository's build. */
async function checkInstallSpace(install: string): Promise<void> {
  const lib = join(install, 'lib/maskrcnn_zmq');
  const share = join(install, 'share/maskrcnn_zmq');
  for (const node of ['robot_client', 'vision_server'])
    assert.ok(statSync(join(lib, node)).mode & 0o111, `${node} is installed executable`);
  for (const file of ['package.xml', 'robot_client.launch', 'demo.launch', 'test_frame.png'])
    assert.ok(existsSync(join(share, file)), `${file} is installed in share/`);
  assert.equal(
    readFileSync(join(lib, 'maskrcnn_zmq_root'), 'utf8').trim(),
    REPO.replace(/\/$/, ''),
  );

  // The installed node, far from the repository, finds the build through the recorded root...
  const { stdout } = await tool(join(lib, 'vision_server'), ['--help'], install);
  assert.match(stdout, /^Usage: maskrcnn-zmq/);
  // ...and MASKRCNN_ZMQ_ROOT, when set, is the only place it looks.
  await assert.rejects(
    run(join(lib, 'vision_server'), ['--help'], {
      cwd: install,
      env: { ...process.env, MASKRCNN_ZMQ_ROOT: '/nonexistent' },
    }),
    (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 1);
      assert.match(
        error.stderr,
        /^maskrcnn_zmq: server\/dist\/src\/main\.js is not built where this package looks: \/nonexistent\/server\/dist\/src\/main\.js \(MASKRCNN_ZMQ_ROOT\)\./,
      );
      return true;
    },
  );
}

/** roslaunch, given only the install space, runs the installed robot_client. */
async function checkRoslaunchFindsNode(install: string): Promise<void> {
  if (withoutRoslaunch) return;
  const { stdout } = await tool(
    'roslaunch',
    ['--args', '/maskrcnn_client', 'maskrcnn_zmq', 'robot_client.launch'],
    install,
    {
      CMAKE_PREFIX_PATH: `${install}:/usr`,
      ROS_PACKAGE_PATH: `${join(install, 'share')}:/usr/share/roslaunch`,
      ROS_HOME: join(install, '.ros'),
    },
  );
  assert.match(
    stdout,
    new RegExp(`${join(install, 'lib/maskrcnn_zmq/robot_client')} __name:=maskrcnn_client`),
  );
}

describe('launch/ as a catkin package', () => {
  test('catkin_lint finds no problems, strict, at the most detailed level', {
    skip: withoutCatkinLint,
  }, async () => {
    const root = workspace();
    const { stdout, stderr } = await tool(
      'catkin_lint',
      ['--strict', '-W2', '--package-path', '/usr/share', 'src'],
      root,
      { ROS_PACKAGE_PATH: '/usr/share' },
    );
    assert.match(stderr + stdout, /checked 1 packages and found 0 problems/);
  });

  test('catkin_make builds and installs it; the installed nodes find the build', {
    skip: withoutCatkinMake,
  }, async () => {
    const root = workspace();
    await tool('catkin_make', ['-C', root, `-Dmaskrcnn_zmq_ROOT=${ROOT}`, 'install'], root);
    await checkInstallSpace(join(root, 'install'));
    await checkRoslaunchFindsNode(join(root, 'install'));
  });

  test('catkin build (catkin-tools) builds and installs it', {
    skip: withoutCatkinMake || withoutCatkinTools,
  }, async () => {
    const root = workspace();
    await tool(
      'catkin',
      ['config', '--install', '--cmake-args', `-Dmaskrcnn_zmq_ROOT=${ROOT}`],
      root,
    );
    await tool('catkin', ['build', '--no-status', '--no-notify'], root);
    await checkInstallSpace(join(root, 'install'));
  });
});
