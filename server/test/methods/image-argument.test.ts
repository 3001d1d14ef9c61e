import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { inForm, readImageArgument } from '../../src/methods/image-argument.js';
import { photo } from '../helpers.js';

describe('methods image argument', () => {
  const jpeg = readFileSync(photo('000000000034.jpg'));
  const base64 = jpeg.toString('base64');

  it('takes raw bytes as they are and answers in bytes', () => {
    const image = readImageArgument(jpeg);
    assert.equal(image.form, 'bytes');
    assert.equal(image.bytes, jpeg);
    assert.equal(inForm(Buffer.from('x'), image.form).toString(), 'x');
  });

  it('decodes base64 text sent as a str and answers with a str', () => {
    const image = readImageArgument(base64);
    assert.equal(image.form, 'base64-str');
    assert.deepEqual(Buffer.from(image.bytes), jpeg);
    assert.equal(inForm(Buffer.from('hi'), image.form), 'aGk=');
  });

  it('decodes base64 text sent as bin (Python b64encode) and answers in bin', () => {
    const image = readImageArgument(Buffer.from(`${base64}\n`, 'latin1'));
    assert.equal(image.form, 'base64-bin');
    assert.deepEqual(Buffer.from(image.bytes), jpeg);
    const answer = inForm(Buffer.from('hi'), image.form);
    assert.ok(answer instanceof Uint8Array);
    assert.equal(Buffer.from(answer).toString('latin1'), 'aGk=');
  });

  it('does not mistake a WebP, whose first bytes are ASCII, for base64', () => {
    const webp = Buffer.concat([
      Buffer.from('RIFF'),
      Buffer.from([0x24, 0, 0, 0]),
      Buffer.from('WEBPVP8 '),
    ]);
    assert.equal(readImageArgument(webp).form, 'bytes');
  });
});
