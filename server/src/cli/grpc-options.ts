import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { GrpcDoorOptions } from '../doors/grpc/grpc-door.js';
import { port, tlsFiles } from './parse.js';

/** The flags of the gRPC door (`--insecure`, shared by the doors, is `serve`'s own). */
export function grpcOptions(command: Command): Command {
  return command
    .option(
      '--grpc <port>',
      'also serve the Open Inference Protocol (KServe v2) over gRPC on this port (0: any free one)',
      port,
    )
    .option(
      '--grpc-bind <address>',
      'address for --grpc; 0.0.0.0 or :: serves other machines, with TLS or --insecure',
      '127.0.0.1',
    )
    .option('--grpc-tls-cert <file>', 'serve gRPC over TLS with this certificate chain (PEM)')
    .option('--grpc-tls-key <file>', "the TLS certificate's private key (PEM)");
}

/** The flags `grpcOptions` declares, as commander hands them over. */
export interface GrpcFlags {
  grpc?: number;
  grpcBind: string;
  grpcTlsCert?: string;
  grpcTlsKey?: string;
}

/** The gRPC door from its flags; none without `--grpc`. */
export async function grpcDoorOptions(flags: GrpcFlags): Promise<GrpcDoorOptions | undefined> {
  const { grpc, grpcBind, grpcTlsCert, grpcTlsKey } = flags;
  const files = tlsFiles('--grpc-tls', grpcTlsCert, grpcTlsKey);
  if (grpc === undefined) return undefined;
  const tls = files && { cert: await readFile(files.certFile), key: await readFile(files.keyFile) };
  return { host: grpcBind, port: grpc, tls };
}
