import { BlockList, isIP } from 'node:net';

/** A door's TLS certificate chain and private key, as PEM files. */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/** Who can reach a door, and how its traffic travels. */
export type Exposure = 'loopback' | 'tls' | 'insecure';

/**
 * The access rule of every network door, as for the ZeroMQ one: this machine only by default;
 * other machines only when the door is secured (TLS, and for HTTP bearer tokens), or unprotected
 * where the operator said `--insecure`.
 * @param door the door as messages name it, e.g. `gRPC`.
 * @param securingFlags the flags that secure the door, for the refusal's message.
 * @throws {Error} for a non-loopback address, not secured, without `insecure`.
 */
export function exposureOf(
  door: string,
  host: string,
  {
    secured,
    insecure,
    securingFlags,
  }: { secured: boolean; insecure: boolean; securingFlags: string },
): Exposure {
  if (isLoopback(host)) return 'loopback';
  if (secured) return 'tls';
  if (insecure) return 'insecure';
  throw new Error(
    `the ${door} door on ${host} would serve other machines unprotected: give ${securingFlags}, or --insecure to accept that anyone on the network can use the model and read every image`,
  );
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Whether only this machine can reach `host`: `localhost`, 127.0.0.0/8, ::1. */
export function isLoopback(host: string): boolean {
  const address = host.replace(/^\[(.*)\]$/, '$1').replace(/^::ffff:(?=\d)/i, '');
  if (address === 'localhost') return true;
  const family = isIP(address);
  return family !== 0 && LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}
