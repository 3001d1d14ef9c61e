/**
 * A bench script in a process of its own (`greedy-peer.ts`, `fuzz/liveness-probe.ts`), so that
 * its work and the measuring side's never share an event loop: each would otherwise time the
 * other. The script runs until its standard input closes, by `stop()` or because this process
 * ended, then prints its result.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { basename } from 'node:path';

export class ScriptProcess {
  private readonly child: ChildProcess;
  private output = '';
  private readonly exited: Promise<unknown[]>;

  /** Starts `node script ...args`. */
  constructor(
    private readonly script: string,
    args: readonly string[],
  ) {
    this.child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.stdout?.on('data', (chunk) => {
      this.output += chunk;
    });
    this.exited = once(this.child, 'exit');
  }

  /**
   * Closes the script's standard input and resolves with what it printed once it has ended.
   * @throws when it failed.
   */
  async stop(): Promise<string> {
    this.child.stdin?.end();
    const [code, signal] = await this.exited;
    if (code !== 0) {
      throw new Error(`${basename(this.script)} failed (${code ?? signal}): ${this.output}`);
    }
    return this.output;
  }
}

/** For the script itself: aborts once its standard input closes, its signal to stop. */
export function stopWhenInputCloses(): AbortSignal {
  const stop = new AbortController();
  process.stdin.on('end', () => stop.abort()).resume();
  return stop.signal;
}
