import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { deflateSync } from 'node:zlib';
import {
  encodeEvent,
  newMessageId,
  requestHeader,
  VisionClient,
  ZerorpcClient,
} from '@maskrcnn-zmq/shared';
import { Dealer } from 'zeromq';
import { png } from '../../bench/fuzz/hostile-images.js';
import type { VisionServer } from '../../src/server.js';
import { photo, startServer } from '../helpers.js';

/** A PNG whose header claims `width`×`height`; only the header is valid, which is all a size check may read. */
const pngClaiming = (width: number, height: number) =>
  png(width, height, 2, deflateSync(Buffer.alloc(1024)));

describe('server bad input', () => {
  let server: VisionServer;
  let rpc: ZerorpcClient;
  const jpeg = readFileSync(photo('000000000034.jpg'));

  before(async () => {
    server = await startServer();
    rpc = new ZerorpcClient({ endpoint: server.endpoint, timeoutMs: 20_000 });
  });
  after(async () => {
    rpc.close();
    await server.close();
  });

  const cases: Array<[string, string, unknown[], string, RegExp]> = [
    ['empty bytes', 'getMask', [new Uint8Array(0)], 'InvalidImage', /image is empty \(0 bytes\)/],
    ['an empty string', 'getMask', [''], 'InvalidImage', /empty/],
    [
      'random bytes',
      'detect',
      [Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251))],
      'InvalidImage',
      /.+/,
    ],
    ['a truncated JPEG', 'getMask', [jpeg.subarray(0, jpeg.length >> 1)], 'InvalidImage', /.+/],
    ['a 30000×30000 PNG', 'detect', [pngClaiming(30000, 30000)], 'ImageTooLarge', /30000×30000/],
    ['a str that is not base64', 'getMask', ['not base64!'], 'InvalidImage', /not base64 text/],
    [
      'a number as the image',
      'getMask',
      [42],
      'BadRequest',
      /Expected image bytes .* for image but received 42/,
    ],
    ['a map as the image', 'detect', [{ a: 1 }], 'BadRequest', /for image but received a map/],
    ['an unknown method', 'segment', [jpeg], 'NameError', /No such method: segment/],
    [
      'no arguments',
      'getMask',
      [],
      'TypeError',
      /getMask\(\) takes 1 to 2 positional arguments but 0 were given/,
    ],
    ['three arguments', 'detect', [jpeg, {}, 1], 'TypeError', /but 3 were given/],
    [
      'options that are not a map',
      'detect',
      [jpeg, 'fast'],
      'BadRequest',
      /a map with string keys/,
    ],
    [
      'an unknown option',
      'detect',
      [jpeg, { treshold: 0.3 }],
      'BadRequest',
      /Unknown option 'treshold'/,
    ],
    [
      'a score out of range',
      'getMask',
      [jpeg, { scoreThreshold: 2 }],
      'BadRequest',
      /Expected a number between 0 and 1 for scoreThreshold but received 2/,
    ],
    [
      'an unknown class',
      'detect',
      [jpeg, { classes: ['unicorn'] }],
      'BadRequest',
      /Unknown class name\(s\) in classes: unicorn/,
    ],
    [
      'a bad format',
      'getMask',
      [jpeg, { format: 'gif' }],
      'BadRequest',
      /one of jpeg, png for format but received/,
    ],
  ];

  for (const [what, method, args, name, message] of cases) {
    it(`answers ${what} with ${name}`, async () => {
      await assert.rejects(rpc.call(method, args), (error: Error) => {
        assert.equal(error.name, name);
        assert.match(error.message, message);
        return true;
      });
    });
  }

  it('drops a frame that is not msgpack and one without the delimiter, and keeps serving', async () => {
    const raw = new Dealer({ linger: 0 });
    raw.connect(server.endpoint);
    await raw.send([Buffer.alloc(0), Buffer.from([0xc1, 0x00, 0xff])]); // not msgpack
    await raw.send([
      encodeEvent({ header: requestHeader(newMessageId()), name: 'info', args: [] }),
    ]); // no delimiter
    await raw.send([Buffer.alloc(0), Buffer.from('{"json": "is not msgpack"}')]);
    await sleep(100);
    raw.close();
    const info = await rpc.call<{ name: string }>('info');
    assert.equal(info.name, 'maskrcnn-zmq');
  });

  it('answers a good call from another client correctly while all of the above happen at once', async () => {
    const other = new VisionClient({ endpoint: server.endpoint, timeoutMs: 20_000 });
    try {
      const good = other.detect(jpeg, { masks: false });
      const bad = cases.map(([, method, args]) =>
        rpc.call(method, args).catch((error: Error) => error.name),
      );
      const [result, badNames] = await Promise.all([good, Promise.all(bad)]);
      assert.deepEqual(
        badNames,
        cases.map(([, , , name]) => name),
      );
      assert.equal(result.instances[0].label, 'zebra');
      assert.equal(result.instances[0].mask, undefined);
    } finally {
      other.close();
    }
  });
});
