import { spawnSync } from 'node:child_process';
import { request } from 'node:http';

/**
 * The master's `getSystemState` (XML-RPC over node:http), as raw XML: every publisher,
 * subscriber and service with the nodes behind each. A node the master still knows appears in
 * it by name.
 */
export function systemState(masterPort: number): Promise<string> {
  return xmlRpc(`http://127.0.0.1:${masterPort}/`, 'getSystemState', ['/test']);
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

/** One XML-RPC call with string (or list of string lists) parameters; the raw XML reply. */
export function xmlRpc(url: string, method: string, params: (string | string[][])[]) {
  const value = (p: string | string[][]): string =>
    typeof p === 'string'
      ? `<value><string>${p}</string></value>`
      : `<value><array><data>${p
          .map((row) => `<value><array><data>${row.map(value).join('')}</data></array></value>`)
          .join('')}</data></array></value>`;
  const body = `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params
    .map((p) => `<param>${value(p)}</param>`)
    .join('')}</params></methodCall>`;
  const { hostname, port } = new URL(url);
  return new Promise<string>((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
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
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A TCPROS subscriber that connects to `node`'s publisher of `topic` and then never reads: the
 * slowest viewer there is. Its socket is paused, so the kernel's buffers fill and the
 * publisher's writes back up.
 *
 *   test ── lookupNode ──► master;  ── requestTopic [TCPROS] ──► node's XML-RPC → host, port
 *   test ── TCP: header {callerid, topic, md5sum *, type *} ──► node's TCPROS server; then silence
 */
export async function stalledSubscriber(masterPort: number, node: string, topic: string) {
  const lookup = await xmlRpc(`http://127.0.0.1:${masterPort}`, 'lookupNode', ['/stall', node]);
  const nodeUri = /<string>(http:[^<]+)<\/string>/.exec(lookup)?.[1];
  if (!nodeUri) throw new Error(`lookupNode ${node}: ${lookup}`);
  const offer = await xmlRpc(nodeUri, 'requestTopic', ['/stall', topic, [['TCPROS']]]);
  const host = /<string>TCPROS<\/string>\s*<\/value>\s*<value>\s*<string>([^<]+)<\/string>/.exec(
    offer,
  )?.[1];
  const port = Number(/<(?:int|i4)>(\d+)<\/(?:int|i4)>\s*<\/value>\s*<\/data>/.exec(offer)?.[1]);
  if (!host || !port) throw new Error(`requestTopic ${topic}: ${offer}`);
  const { connect } = await import('node:net');
  const socket = connect(port, host);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const fields = ['callerid=/stall', `topic=${topic}`, 'md5sum=*', 'type=*'].map((field) => {
    const bytes = Buffer.from(field);
    const length = Buffer.alloc(4);
    length.writeUInt32LE(bytes.length);
    return Buffer.concat([length, bytes]);
  });
  const header = Buffer.concat(fields);
  const total = Buffer.alloc(4);
  total.writeUInt32LE(header.length);
  socket.write(Buffer.concat([total, header]));
  socket.pause();
  socket.on('error', () => {});
  return socket;
}
