import type { Command } from 'commander';
import type { HttpDoorOptions } from '../doors/http/http-door.js';
import { port, tlsFiles } from './parse.js';

/** The flags of the HTTP door (`--insecure`, shared by the doors, is `serve`'s own). */
export function httpOptions(command: Command): Command {
  return command
    .option(
      '--http <port>',
      'serve HTTP on this port: the live page at /, /v1/getMask, /v1/detect, Open Inference at /v2',
      port,
    )
    .option(
      '--http-bind <address>',
      'address for --http; others than loopback need TLS and tokens, or --insecure',
      '127.0.0.1',
    )
    .option('--http-tls-cert <file>', 'HTTPS with this certificate (PEM)')
    .option('--http-tls-key <file>', "the certificate's private key (PEM)")
    .option(
      '--http-tokens <file>',
      'bearer tokens for HTTP, one a line (Authorization: Bearer TOKEN); SIGHUP reads it again',
    );
}

/** The flags `httpOptions` declares, as commander hands them over. */
export interface HttpFlags {
  http?: number;
  httpBind: string;
  httpTlsCert?: string;
  httpTlsKey?: string;
  httpTokens?: string;
}

/** The HTTP door from its flags; none without `--http`. */
export function httpDoorOptions(flags: HttpFlags): HttpDoorOptions | undefined {
  const { http, httpBind, httpTlsCert, httpTlsKey, httpTokens } = flags;
  const tls = tlsFiles('--http-tls', httpTlsCert, httpTlsKey);
  if (http === undefined) return undefined;
  return { port: http, host: httpBind, tls, tokensFile: httpTokens };
}
