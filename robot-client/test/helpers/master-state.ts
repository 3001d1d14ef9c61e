import { spawnSync } from 'node:child_process';
import { request } from 'node:http';

/**
 * The master's `getSystemState` (XML-RPC over node:http), as raw XML: every publisher,
 * subscriber and service with the nodes behind each. A node the master still knows appears in
 * it by name.
 */
export function systemState(masterPort: number): Promise<string> {
  const body =
    '<?xml version="1.0"?><methodCall><methodName>getSystemState</methodName>' +
    '<params><param><value><string>/test</string></value></param></params></methodCall>';
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: masterPort,
        method: 'POST',
        path: '/',
        headers: { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () => resolve(text));
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The `/name`s `<string>` elements of the state hold, in order. */
export function namesIn(state: string): string[] {
  return [...state.matchAll(/<string>([^<]*)<\/string>/g)].map((match) => match[1]);
}

/** `rosnode list`, Debian's CLI, against the test's master. */
export function rosnodeList(env: NodeJS.ProcessEnv): string[] {
  const result = spawnSync('rosnode', ['list'], { env, encoding: 'utf8', timeout: 20_000 });
  return result.stdout.split('\n').filter((line) => line !== '');
}
