import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onPath, skipUnless } from '@maskrcnn-zmq/shared/test-support';

/** The `skip` option of tests that make a certificate with openssl. */
export const WITHOUT_OPENSSL = skipUnless(onPath('openssl'), 'openssl (apt-get install openssl)');

/**
 * A self-signed certificate for `localhost` and 127.0.0.1, as an operator's own CA would issue
 * one, written as `cert.pem` and `key.pem` in `dir`.
 */
export async function selfSignedCertificate(dir: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  return { cert, key };
}
