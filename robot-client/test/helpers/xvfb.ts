import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

export interface VirtualScreen {
  /** e.g. `:99`, for DISPLAY. */
  display: string;
  /** PNG of the whole screen (ImageMagick's `import`). */
  screenshot(): Promise<Buffer>;
  stop(): void;
}

/** Starts Xvfb on a display number it picks itself (-displayfd), 1024×768×24. */
export function startXvfb(): Promise<VirtualScreen> {
  const xvfb = spawn(
    'Xvfb',
    ['-displayfd', '3', '-screen', '0', '1024x768x24', '-nolisten', 'tcp'],
    {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let stderr = '';
    xvfb.stderr?.on('data', (chunk) => (stderr += chunk));
    xvfb.once('error', reject);
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}: ${stderr}`)));
    xvfb.stdio[3]?.once('data', (chunk: Buffer) => {
      const display = `:${chunk.toString().trim()}`;
      resolve({
        display,
        screenshot: async () =>
          (
            await promisify(execFile)('import', ['-display', display, '-window', 'root', 'png:-'], {
              encoding: 'buffer',
              maxBuffer: 64 * 1024 * 1024,
            })
          ).stdout,
        stop: () => xvfb.kill(),
      });
    });
  });
}
