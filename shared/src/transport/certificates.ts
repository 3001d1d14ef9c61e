import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { curveKeyPair } from 'zeromq';

/** A CURVE key pair as Z85 text; `secretKey` only where the file holds it. */
export interface Certificate {
  publicKey: string;
  secretKey?: string;
}

/** A certificate file that cannot be used; the message names the file and what is wrong. */
export class CertificateError extends Error {
  override name = 'Certificate';
}

/**
 * Writes a new key pair as ZeroMQ certificates (the format of czmq's zcert and pyzmq's
 * `zmq.auth.create_certificates`, so `zmq.auth.load_certificate` reads them): `NAME.key` holds
 * the public key, to hand out; `NAME.key_secret` both keys, readable by its owner only.
 * @returns the two paths.
 */
export async function writeCertificates(
  dir: string,
  name: string,
): Promise<{ publicFile: string; secretFile: string }> {
  const { publicKey, secretKey } = curveKeyPair();
  const publicFile = join(dir, `${name}.key`);
  const secretFile = join(dir, `${name}.key_secret`);
  const certificate = (kind: string, keys: string[]) =>
    [
      `#   ZeroMQ CURVE ${kind} Certificate, written by maskrcnn-zmq keygen`,
      '',
      'metadata',
      'curve',
      ...keys.map((line) => `    ${line}`),
      '',
    ].join('\n');
  const publicLine = `public-key = "${publicKey}"`;
  await writeFile(publicFile, certificate('Public', [publicLine]), { mode: 0o644, flag: 'wx' });
  await writeFile(
    secretFile,
    certificate('**Secret**', [publicLine, `secret-key = "${secretKey}"`]),
    { mode: 0o600, flag: 'wx' },
  );
  await chmod(secretFile, 0o600); // The mode above is masked by the umask; this is not.
  return { publicFile, secretFile };
}

/**
 * The keys in a certificate file (`public-key = "…"`, `secret-key = "…"` lines).
 * @throws {CertificateError} when it has no valid public key, or lacks the secret one `needSecret`.
 */
export async function readCertificate(file: string, needSecret = false): Promise<Certificate> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new CertificateError(`cannot read the key file ${file}: ${(cause as Error).message}`, {
      cause,
    });
  }
  const key = (name: string) =>
    new RegExp(`^\\s*${name}\\s*=\\s*"([^"]{40})"\\s*$`, 'm').exec(text)?.[1];
  const publicKey = key('public-key');
  const secretKey = key('secret-key');
  if (!publicKey)
    throw new CertificateError(`${file} holds no public-key = "<40 Z85 characters>" line`);
  if (needSecret && !secretKey) {
    throw new CertificateError(
      `${file} holds no secret key; give the NAME.key_secret file, not NAME.key`,
    );
  }
  return { publicKey, ...(secretKey && { secretKey }) };
}

/**
 * A client's CURVE keys: the server's public key from its `NAME.key`, and the client's own pair
 * from its `NAME.key_secret`.
 * @throws {CertificateError} when a file is not a usable certificate.
 */
export async function readClientKeys(
  serverKeyFile: string,
  clientSecretFile: string,
): Promise<{ serverKey: string; publicKey: string; secretKey: string }> {
  const [server, own] = await Promise.all([
    readCertificate(serverKeyFile),
    readCertificate(clientSecretFile, true),
  ]);
  return { serverKey: server.publicKey, publicKey: own.publicKey, secretKey: own.secretKey! };
}

/**
 * The public keys of an allow-list: every `*.key` certificate in a folder, or one certificate
 * file.
 * @throws {CertificateError} for an unreadable folder or file.
 */
export async function readAllowedKeys(dirOrFile: string): Promise<Set<string>> {
  let files: string[];
  try {
    files = (await readdir(dirOrFile))
      .filter((name) => name.endsWith('.key'))
      .map((name) => join(dirOrFile, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') {
      throw new CertificateError(
        `cannot read the allow-list ${dirOrFile}: ${(error as Error).message}`,
      );
    }
    files = [dirOrFile];
  }
  const certificates = await Promise.all(files.map((file) => readCertificate(file)));
  return new Set(certificates.map((certificate) => certificate.publicKey));
}
