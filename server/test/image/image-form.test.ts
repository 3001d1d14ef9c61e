import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isBase64Text } from '../../src/image/base64.js';
import { imageBytesOf, inForm } from '../../src/image/image-form.js';
import { photo } from '../helpers.js';

describe('image form', () => {
  const jpeg = readFileSync(photo('000000000034.jpg'));
  const base64 = jpeg.toString('base64');

  it('takes raw bytes as they are and answers in bytes', () => {
    const image = imageBytesOf(jpeg);
    assert.equal(image.form, 'bytes');
    assert.equal(image.bytes, jpeg);
    assert.equal(inForm(Buffer.from('x'), image.form).toString(), 'x');
  });

  it('decodes base64 text sent as a str and answers with a str', () => {
    const image = imageBytesOf(base64);
    assert.equal(image.form, 'base64-str');
    assert.deepEqual(Buffer.from(image.bytes), jpeg);
    assert.equal(inForm(Buffer.from('hi'), image.form), 'aGk=');
  });

  it('decodes base64 text sent as bin (Python b64encode) and answers in bin', () => {
    const image = imageBytesOf(Buffer.from(`${base64}\n`, 'latin1'));
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
    assert.equal(imageBytesOf(webp).form, 'bytes');
  });

  it('refuses a str that is not base64 with InvalidImage', () => {
    assert.throws(() => imageBytesOf('not base64!'), {
      name: 'InvalidImage',
      message: /a str of 11 characters that is not base64 text/,
    });
  });
});

describe('base64 recognition', () => {
  it('accepts what encoders write: padding, MIME line breaks, a trailing newline', () => {
    for (const text of ['aGk=', 'aGVsbG8=', 'YQ==', 'aGVs\r\nbG8=\n', `${'QUJD'.repeat(19)}\n`]) {
      assert.ok(isBase64Text(text), text);
      assert.ok(isBase64Text(Buffer.from(text, 'latin1')), `${text} as bytes`);
    }
  });

  it('refuses everything else', () => {
    for (const text of ['', '=', 'a===', 'ab cd', 'a=b', 'héllo', 'AAA!', '\n\n!', 'A\n!']) {
      assert.equal(isBase64Text(text), false, JSON.stringify(text));
    }
  });

  // A backtracking pattern took 15.4 s on the first of these (120 KB); here, time grows with the
  // size alone. Compared in one run: 8× the input may take at most ~8× (+ noise) the time.
  it('takes time linear in the input on inputs built to make a regex backtrack', () => {
    const inputs = (n: number) => [
      `A${'\n'.repeat(n)}!`,
      `${'\r\n'.repeat(n)}=`,
      `A${' '.repeat(n)}A`,
      `${'A'.repeat(n)}==${'\n'.repeat(n)}x`,
    ];
    const time = (n: number) => {
      const started = performance.now();
      for (const text of inputs(n)) {
        isBase64Text(text);
        isBase64Text(Buffer.from(text, 'latin1'));
      }
      return performance.now() - started;
    };
    time(10_000); // warm up the JIT
    const small = Math.max(time(120_000), 1);
    const large = time(960_000);
    assert.ok(large < small * 8 * 3, `120k: ${small.toFixed(1)} ms, 960k: ${large.toFixed(1)} ms`);
    assert.ok(large < 1000, `960k characters took ${large.toFixed(0)} ms`);
  });
});
