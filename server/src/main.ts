import { program } from './cli/program.js';

try {
  await program().parseAsync();
} catch (error) {
  process.stderr.write(`maskrcnn-zmq: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
