import { BlockList, isIP } from 'node:net';

/** Who can reach a door, and how its traffic travels. */
export type Exposure = 'loopback' | 'tls' | 'insecure';

/**
 * The access rule of every network door, as for the ZeroMQ one: this machine only by default;
 * other machines only over TLS, or in plaintext where the operator said `--insecure`.
 * @param door the door as messages name it, e.g. `gRPC`.
 * @param tlsFlags the flags that give the door TLS, for the refusal's message.
 * @throws {Error} for a non-loopback address with neither TLS nor `insecure`.
 */
export function exposureOf(
  door: string,
  host: string,
  { tls, insecure, tlsFlags }: { tls: boolean; insecure: boolean; tlsFlags: string },
): Exposure {
  if (isLoopback(host)) return 'loopback';
  if (tls) return 'tls';
  if (insecure) return 'insecure';
  throw new Error(
    `the ${door} door on ${host} would serve other machines in plaintext: give ${tlsFlags} for TLS, or --insecure to accept that anyone on the network can use the model and read every image`,
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
