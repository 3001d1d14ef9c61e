import { type ClientCurveKeys, readClientKeys } from '@maskrcnn-zmq/shared';
import { type Command, InvalidArgumentError } from 'commander';

/** The flags a client command takes to reach a server that requires CURVE. */
export function clientKeyOptions(command: Command): Command {
  return command
    .option('--server-key <file>', "the server's public key certificate (NAME.key), for CURVE")
    .option('--key <file>', "this client's secret certificate (NAME.key_secret), for CURVE");
}

/**
 * The client's CURVE keys from `--server-key` and `--key`, or undefined for a plaintext server.
 * @throws when only one is given, or a file is not a usable certificate.
 */
export async function clientCurveKeys(flags: {
  serverKey?: string;
  key?: string;
}): Promise<ClientCurveKeys | undefined> {
  if (!flags.serverKey && !flags.key) return undefined;
  if (!flags.serverKey || !flags.key) {
    throw new InvalidArgumentError('CURVE needs both --server-key and --key');
  }
  return readClientKeys(flags.serverKey, flags.key);
}
