import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesElements, rawTensor } from '../../../src/doors/open-inference/binary-data.js';

const prefixed = (...elements: string[]) =>
  Buffer.concat(
    elements.flatMap((element) => {
      const length = Buffer.alloc(4);
      length.writeUInt32LE(Buffer.byteLength(element));
      return [length, Buffer.from(element)];
    }),
  );

describe('the raw tensor layout', () => {
  it('reads BYTES elements as views into the raw bytes, each after its 4-byte length', () => {
    const raw = prefixed('ab', '', 'cde');
    const elements = bytesElements(raw, 3, "input 'x'");
    assert.deepEqual(elements.map(String), ['ab', '', 'cde']);
    assert.equal(elements[2].buffer, raw.buffer, 'not copied');
  });

  it('takes one bare element as it is: an image sent without its length', () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    assert.deepEqual(bytesElements(jpeg, 1, "input 'image'"), [jpeg]);
    assert.deepEqual(bytesElements(Buffer.alloc(0), 1, "input 'image'"), [Buffer.alloc(0)]);
  });

  it('refuses lengths that do not add up to the size and count', () => {
    for (const [raw, count] of [
      [prefixed('ab', 'c'), 3],
      [Buffer.concat([prefixed('ab', 'c'), Buffer.from([0])]), 2],
      [prefixed('ab').subarray(0, 5), 2],
    ] as const) {
      assert.throws(() => bytesElements(raw, count, "input 'x'"), {
        name: 'BadRequest',
        message: new RegExp(`^Expected ${count} BYTES elements in the raw contents of input 'x'`),
      });
    }
  });

  it('writes FP32 and INT32 little-endian and BYTES length-prefixed', () => {
    const fp32 = rawTensor({
      name: 'scores',
      datatype: 'FP32',
      shape: [2],
      data: Float32Array.of(0.5, -2),
    });
    assert.deepEqual([fp32.readFloatLE(0), fp32.readFloatLE(4)], [0.5, -2]);
    const int32 = rawTensor({
      name: 'class_ids',
      datatype: 'INT32',
      shape: [2],
      data: Int32Array.of(1, -70000),
    });
    assert.deepEqual([int32.readInt32LE(0), int32.readInt32LE(4)], [1, -70000]);
    const bytes = rawTensor({
      name: 'labels',
      datatype: 'BYTES',
      shape: [2],
      data: [Buffer.from('cat'), Buffer.from('')],
    });
    assert.deepEqual(bytes, prefixed('cat', ''));
  });
});
