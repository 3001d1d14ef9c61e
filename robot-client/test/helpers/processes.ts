import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A child process whose stdout/stderr lines are kept, JSON ones parsed (pino's log lines). */
export class LoggedProcess {
  readonly child: ChildProcess;
  /** Every JSON line, in order. */
  readonly lines: Record<string, unknown>[] = [];
  /** The last lines of any kind, for failure messages. */
  readonly tail: string[] = [];
  private readonly listeners = new Set<() => void>();
  readonly exited: Promise<number | null>;

  constructor(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string) {
    this.child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => this.take(line));
    }
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The first line (already seen or still to come) that `match` accepts. */
  waitFor(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs: number,
    what = 'a matching log line',
  ): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.lines.find(match);
        if (!found) return false;
        done();
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(`no ${what} within ${timeoutMs} ms; last output:\n${this.tail.join('\n')}`),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener = () => void check();
      if (!check()) this.listeners.add(listener);
    });
  }

  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs`). */
  async stop(signal: NodeJS.Signals = 'SIGINT', graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private take(line: string): void {
    this.tail.push(line.slice(0, 500));
    if (this.tail.length > 40) this.tail.shift();
    if (line.startsWith('{')) {
      try {
        this.lines.push(JSON.parse(line));
      } catch {
        return;
      }
      for (const listener of [...this.listeners]) listener();
    }
  }
}

/** Resident memory of a process in MiB, from /proc. */
export async function rssMiB(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  return kib / 1024;
}
