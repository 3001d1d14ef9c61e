/**
 * The real server as a child process, started through its CLI as `npm start` starts it,
 * so a hostile client can crash, stall or bloat it and be seen doing so: its pid, its resident
 * memory, whether it is alive, how it exited, and its last log lines.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { MODEL_DIR, SERVER_BIN } from '../test/helpers.js';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcessOptions {
  /** More `serve` flags, e.g. `['--queue', '128']`. */
  flags?: readonly string[];
  /** The model's folder (default: the float MaskRCNN2GO graphs beside the checkout). */
  modelDir?: string;
  /** Where to bind (default: a free loopback port), e.g. to restart a server where it was. */
  endpoint?: string;
  /** How long loading and warming the model may take (default 120 s). */
  readyTimeoutMs?: number;
}

/** Log lines kept for error messages. */
const KEPT_LINES = 200;

/** Children still running, killed if this process exits first. */
const running = new Set<ChildProcess>();
let guarded = false;

export class ServerProcess {
  private readonly lines: string[] = [];
  /** Log lines by `msg`, for warnings and worse: what the server said it dropped or failed. */
  readonly warnings = new Map<string, number>();
  /** Settles when the process has exited, however it ended. */
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly endpoint: string,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        running.delete(child);
        this.exit = { code, signal };
        resolve(this.exit);
      }),
    );
  }

  /**
   * Starts `maskrcnn-zmq serve` on a free loopback port, with the model beside the checkout
   * unless told otherwise, and resolves once it logs "ready" (after loading and warming the model).
   * @throws when it exits or stays silent past the timeout, with its last log lines.
   */
  static async start(options: ServerProcessOptions = {}): Promise<ServerProcess> {
    const endpoint = options.endpoint ?? `tcp://127.0.0.1:${await freePort()}`;
    const modelDir = options.modelDir ?? MODEL_DIR;
    const argv = ['serve', '--bind', endpoint, '--model-dir', modelDir];
    // At info whatever the flags say: "ready" is an info line, and it is what start waits for.
    const child = spawn(SERVER_BIN, [...argv, ...(options.flags ?? []), '--log-level', 'info'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    guardChildren();
    running.add(child);
    const server = new ServerProcess(child, endpoint);
    const ready = new Promise<void>((resolve) => server.readLog(resolve));
    const timeoutMs = options.readyTimeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      ready.then(() => 'ready' as const),
      server.exited.then(() => 'exited' as const),
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (outcome === 'ready') return server;
    if (outcome === 'timeout') await server.stop('SIGKILL');
    throw new Error(
      `the server ${outcome === 'exited' ? `exited (${JSON.stringify(server.exit)})` : `was not ready within ${timeoutMs} ms`} before logging "ready":\n${server.lastLines()}`,
    );
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.exit === undefined;
  }

  /** How it exited; undefined while it runs. */
  get exitStatus(): Exit | undefined {
    return this.exit;
  }

  /**
   * Resident memory in MiB, from VmRSS in /proc/<pid>/status.
   * @throws when the process is gone.
   */
  rssMiB(): number {
    return rssMiBOf(this.pid);
  }

  /** The last log lines (at most 200), for error messages. */
  lastLines(): string {
    return this.lines.join('\n');
  }

  /**
   * Sends `signal` and resolves with the exit; a process still there 10 s later is killed.
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    if (this.exit) return this.exit;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  /** Keeps the last lines, counts warnings by message, and calls `onReady` on "ready". */
  private readLog(onReady: () => void): void {
    if (!this.child.stderr) return;
    createInterface({ input: this.child.stderr }).on('line', (line) => {
      this.lines.push(line);
      if (this.lines.length > KEPT_LINES) this.lines.shift();
      let entry: { level?: number; msg?: string };
      try {
        entry = JSON.parse(line);
      } catch {
        return; // Not a log line (a crash's stack trace): kept above, nothing to count.
      }
      if (entry.msg === 'ready') onReady();
      else if ((entry.level ?? 0) >= 40 && entry.msg !== undefined) {
        this.warnings.set(entry.msg, (this.warnings.get(entry.msg) ?? 0) + 1);
      }
    });
  }
}

/**
 * Resident memory of process `pid` in MiB, from VmRSS in /proc/<pid>/status.
 * @throws when the process is gone.
 */
export function rssMiBOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kB = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!kB) throw new Error(`no VmRSS for process ${pid}: it has exited`);
  return Number(kB[1]) / 1024;
}

/** A loopback port nobody listens on now: bound to port 0 and released. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * Kills every running child when this process ends: on a normal exit, and on SIGINT, SIGTERM
 * or SIGHUP (a test runner's timeout), after which the signal is raised again as it came.
 */
function guardChildren(): void {
  if (guarded) return;
  guarded = true;
  const killAll = () => {
    for (const child of running) child.kill('SIGKILL');
  };
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal);
    });
  }
}
