import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type ClientCurveKeys,
  readCertificate,
  readClientKeys,
  VisionClient,
  writeCertificates,
} from '@maskrcnn-zmq/shared';
import type { VisionServer } from '../../src/server.js';
import { photo, pythonCall, startServer, WITHOUT_PYTHON } from '../helpers.js';

const jpeg = await readFile(photo('000000000034.jpg'));

/**
 * A TCP forwarder in front of `target` that keeps every byte it carries, both ways: what anyone
 * on the lab network could capture.
 */
async function capturingProxy(
  target: string,
): Promise<{ endpoint: string; bytes: () => Buffer; close: () => void }> {
  const { hostname, port } = new URL(target.replace('tcp://', 'http://'));
  const captured: Buffer[] = [];
  const server: Server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    client.on('data', (data) => captured.push(data));
    upstream.on('data', (data) => captured.push(data));
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    endpoint: `tcp://127.0.0.1:${address.port}`,
    bytes: () => Buffer.concat(captured),
    close: () => server.close(),
  };
}

/**
 * A server that requires CURVE and lets in listed client keys only:
 *
 *   robot (listed)    --CURVE handshake, getMask--> server --OK-->
 *   stranger (not listed) --CURVE handshake--> server: ZAP says no → no reply, counted, logged
 *   plaintext caller  --NULL handshake--> server: refused → no reply
 *   stranger.key copied to the allow-list, reloadAllowList (SIGHUP) → the stranger gets in
 */
describe('server with CURVE encryption and a key allow-list', () => {
  let dir: string;
  let server: VisionServer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'curve-'));
    await mkdir(join(dir, 'clients'));
    for (const name of ['server', 'robot', 'stranger']) await writeCertificates(dir, name);
    await copyFile(join(dir, 'robot.key'), join(dir, 'clients', 'robot.key'));
    const { publicKey, secretKey } = await readCertificate(join(dir, 'server.key_secret'), true);
    server = await startServer({
      curve: { publicKey, secretKey: secretKey!, allowFrom: join(dir, 'clients') },
    });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true });
  });

  it('writes certificates pyzmq can read, the secret one for its owner only', async () => {
    assert.equal((await stat(join(dir, 'robot.key_secret'))).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'robot.key'))).mode & 0o777, 0o644);
    await assert.rejects(writeCertificates(dir, 'robot'), { code: 'EEXIST' });
  });

  it('serves a listed client', async () => {
    const robot = new VisionClient({
      endpoint: server.endpoint,
      curve: await readClientKeys(join(dir, 'server.key'), join(dir, 'robot.key_secret')),
    });
    try {
      const composite = await robot.getMask(jpeg);
      assert.deepEqual([...composite.subarray(0, 3)], [0xff, 0xd8, 0xff]);
      assert.equal((await robot.info()).security, 'curve-allow-list');
    } finally {
      robot.close();
    }
  });

  it('gives an unlisted key and a plaintext client nothing, and keeps serving the listed one', async () => {
    const robot = new VisionClient({
      endpoint: server.endpoint,
      curve: await readClientKeys(join(dir, 'server.key'), join(dir, 'robot.key_secret')),
    });
    const stranger = new VisionClient({
      endpoint: server.endpoint,
      timeoutMs: 1500,
      curve: await readClientKeys(join(dir, 'server.key'), join(dir, 'stranger.key_secret')),
    });
    const plaintext = new VisionClient({ endpoint: server.endpoint, timeoutMs: 1500 });
    try {
      const refusedBefore = (await robot.info()).counters.refusedHandshakes;
      await assert.rejects(stranger.info(), { name: 'Timeout' });
      await assert.rejects(plaintext.info(), { name: 'Timeout' });
      const { counters } = await robot.info();
      assert.ok(
        counters.refusedHandshakes >= refusedBefore + 2,
        `${counters.refusedHandshakes} refused`,
      );
      assert.ok((await robot.detect(jpeg, { masks: false })).instances.length > 0);
    } finally {
      for (const client of [robot, stranger, plaintext]) client.close();
    }
  });

  it('lets a newly listed key in after reloading the list, without dropping connected clients', async () => {
    const robot = new VisionClient({
      endpoint: server.endpoint,
      curve: await readClientKeys(join(dir, 'server.key'), join(dir, 'robot.key_secret')),
    });
    try {
      await robot.info();
      await copyFile(join(dir, 'stranger.key'), join(dir, 'clients', 'stranger.key'));
      await server.reloadAllowList();
      const stranger = new VisionClient({
        endpoint: server.endpoint,
        timeoutMs: 5000,
        curve: await readClientKeys(join(dir, 'server.key'), join(dir, 'stranger.key_secret')),
      });
      try {
        assert.equal((await stranger.info()).name, 'maskrcnn-zmq');
      } finally {
        stranger.close();
      }
      assert.equal((await robot.info()).name, 'maskrcnn-zmq');
    } finally {
      robot.close();
    }
  });

  it('serves a Python client whose pyzmq socket has the keys set before connect', {
    skip: WITHOUT_PYTHON,
  }, async () => {
    const reply = await pythonCall(server.endpoint, 'detect', [{ masks: false }], {
      image: photo('000000000034.jpg'),
      curve: { serverKey: join(dir, 'server.key'), key: join(dir, 'robot.key_secret') },
    });
    assert.equal(reply.err, undefined, JSON.stringify(reply.err));
    assert.equal((reply.ok as { instances: Array<{ label: string }> }).instances[0].label, 'zebra');
  });
});

describe('server traffic on the wire', () => {
  /** Everything a getMask round trip puts on the wire, through a capturing proxy. */
  async function capture(server: VisionServer, curve?: ClientCurveKeys): Promise<Buffer> {
    const proxy = await capturingProxy(server.endpoint);
    const client = new VisionClient({ endpoint: proxy.endpoint, curve });
    try {
      await client.getMask(jpeg);
      return proxy.bytes();
    } finally {
      client.close();
      proxy.close();
    }
  }
  // Long enough that ciphertext never holds them by chance: the photo's first bytes, and the
  // composite's JFIF header.
  const photoStart = jpeg.subarray(0, 32);
  const JFIF = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);

  it('carries the method name and the JPEG in the clear without CURVE, and neither with it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'curve-wire-'));
    const plain = await startServer();
    await writeCertificates(dir, 'server');
    await writeCertificates(dir, 'robot');
    const { publicKey, secretKey } = await readCertificate(join(dir, 'server.key_secret'), true);
    const secure = await startServer({ curve: { publicKey, secretKey: secretKey! } });
    try {
      const clear = await capture(plain);
      assert.ok(clear.includes('getMask'), 'the method name in the clear');
      assert.ok(clear.includes(photoStart), 'the photo in the clear');
      assert.ok(clear.includes(JFIF), 'the composite in the clear');
      const encrypted = await capture(
        secure,
        await readClientKeys(join(dir, 'server.key'), join(dir, 'robot.key_secret')),
      );
      assert.ok(encrypted.length > jpeg.length, `${encrypted.length} bytes captured`);
      assert.ok(!encrypted.includes('getMask'), 'no method name');
      assert.ok(!encrypted.includes(photoStart), 'not the photo');
      assert.ok(!encrypted.includes(JFIF), 'not the composite');
    } finally {
      await plain.close();
      await secure.close();
      await rm(dir, { recursive: true });
    }
  });
});
