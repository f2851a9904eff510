/**
 * A dead letter's payload as text (shared/dead-letters.ts): valid UTF-8 decoded, every other byte
 * written \xNN, control characters escaped, never anything PostgreSQL or a screen would choke on.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesAsText } from '@shared/dead-letters';
import { isStorable } from '@shared/text';

const b = (...xs: number[]) => Uint8Array.from(xs);

describe('bytesAsText', () => {
  it.each([
    ['ASCII JSON', Buffer.from('{"id":"a"}'), '{"id":"a"}'],
    ['Chinese and emoji', Buffer.from('赣A 😀'), '赣A 😀'],
    [
      'NUL and controls, but not tab, newline, return',
      b(0x61, 0x00, 0x09, 0x0a, 0x0d, 0x1b, 0x7f),
      'a\\u0000\t\n\r\\u001b\\u007f',
    ],
    ['bytes that are never UTF-8', b(0xff, 0xfe, 0x00), '\\xff\\xfe\\u0000'],
    ['a cut sequence at the end', b(0x61, 0xe4, 0xb8), 'a\\xe4\\xb8'],
    ['an overlong NUL', b(0xc0, 0x80), '\\xc0\\x80'],
    ['a UTF-16 surrogate written as UTF-8 (WTF-8)', b(0xed, 0xa0, 0x80), '\\xed\\xa0\\x80'],
    ['past U+10FFFF', b(0xf4, 0x90, 0x80, 0x80), '\\xf4\\x90\\x80\\x80'],
    ['a bad continuation, then a good character', b(0xe4, 0x41, 0xe4, 0xb8, 0xad), '\\xe4A中'],
  ])('%s', (_what, bytes, want) => {
    expect(bytesAsText(bytes, 1000)).toEqual({ text: want, truncated: false });
  });

  it('cuts at the character limit and says so', () => {
    expect(bytesAsText(Buffer.from('abcdef'), 4)).toEqual({ text: 'abcd', truncated: true });
    expect(bytesAsText(Buffer.from('abcd'), 4)).toEqual({ text: 'abcd', truncated: false });
  });

  it('decodes valid UTF-8 exactly as TextDecoder does, and always gives storable text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        const text = bytesAsText(Buffer.from(s, 'utf8'), 1000).text;
        // eslint-disable-next-line no-control-regex -- the controls are what is escaped
        if (!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s)) expect(text).toBe(s);
        expect(isStorable(text)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(isStorable(bytesAsText(bytes, 1000).text)).toBe(true);
      }),
    );
  });
});
