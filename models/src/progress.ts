/**
 * What fetching and converting a model report while they work, and the default way of
 * showing it: a progress bar on a terminal, a few plain lines anywhere else (a log file, a
 * service manager, CI), where a redrawn bar would be noise.
 */
import cliProgress from 'cli-progress';
import type { Precision } from './precision.js';

/** One step of getting a model ready. `file` is the path inside the model's cache folder. */
export type ProgressEvent =
  | { type: 'download-start'; file: string; url: string; totalBytes: number | null }
  | { type: 'download-progress'; file: string; receivedBytes: number; totalBytes: number | null }
  | { type: 'download-done'; file: string; bytes: number; sha256: string; pinned: boolean }
  | { type: 'download-failed'; file: string; error: Error }
  | { type: 'seeded'; file: string; from: string }
  | { type: 'convert-start'; model: string; steps: number; precision: Precision }
  | { type: 'convert-step'; model: string; file: string; done: number; steps: number }
  | { type: 'convert-done'; model: string; elapsedMs: number }
  | { type: 'ready'; model: string; dir: string };

/** Receives progress events; must not throw. */
export type ProgressListener = (event: ProgressEvent) => void;

/** A listener that shows nothing. */
export const silentProgress: ProgressListener = () => {};

/** Decimal units, as publishers state sizes ("3.8 MB"). */
function megabytes(bytes: number | null): string {
  if (bytes === null) return '? MB';
  return bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/** A stream a reporter can write to; `isTTY` picks the bar or the plain lines. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * The default reporter: writes to `stream` (stderr, so stdout stays clean for a CLI's result).
 * On a terminal each download draws a cli-progress bar; elsewhere it logs a line when a
 * download starts, at every quarter, and when it ends.
 */
export function createProgressReporter(
  stream: ProgressStream = process.stderr,
  prefix = 'maskrcnn-zmq',
): ProgressListener {
  const line = (text: string) => stream.write(`${prefix}: ${text}\n`);
  let bar: cliProgress.SingleBar | null = null;
  let lastQuarter = 0;

  const startBar = (file: string, total: number) => {
    bar = new cliProgress.SingleBar(
      {
        format: `${prefix}: {file} [{bar}] {percentage}% {received}`,
        stream: stream as NodeJS.WritableStream,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { file, received: megabytes(0) });
  };

  return (event) => {
    switch (event.type) {
      case 'download-start':
        line(`fetching ${event.file} (${megabytes(event.totalBytes)}) from ${event.url}`);
        lastQuarter = 0;
        if (stream.isTTY) startBar(event.file, event.totalBytes ?? 0);
        return;
      case 'download-progress': {
        if (bar) {
          bar.update(event.receivedBytes, { received: megabytes(event.receivedBytes) });
          return;
        }
        if (!event.totalBytes) return;
        const quarter = Math.floor((4 * event.receivedBytes) / event.totalBytes);
        if (quarter > lastQuarter && quarter < 4) {
          lastQuarter = quarter;
          line(`${event.file}: ${quarter * 25}% (${megabytes(event.receivedBytes)})`);
        }
        return;
      }
      case 'download-done':
        bar?.stop();
        bar = null;
        line(
          event.pinned
            ? `${event.file}: ${megabytes(event.bytes)}, sha256 verified`
            : `${event.file}: ${megabytes(event.bytes)}, sha256 ${event.sha256} ` +
                '(not pinned in the manifest: compare it with the publisher)',
        );
        return;
      case 'download-failed':
        // The error itself is thrown to the caller, who reports it; only the bar ends here.
        bar?.stop();
        bar = null;
        return;
      case 'seeded':
        line(`${event.file}: copied from ${event.from}, sha256 verified`);
        return;
      case 'convert-start':
        line(`converting ${event.model} to ${event.precision} ONNX (${event.steps} files)`);
        if (stream.isTTY) startBar('converting', event.steps);
        return;
      case 'convert-step':
        if (bar) bar.update(event.done, { file: event.file, received: '' });
        else line(`converted ${event.file} (${event.done}/${event.steps})`);
        return;
      case 'convert-done':
        bar?.stop();
        bar = null;
        line(`converted ${event.model} in ${(event.elapsedMs / 1000).toFixed(1)} s`);
        return;
      case 'ready':
        return;
    }
  };
}
