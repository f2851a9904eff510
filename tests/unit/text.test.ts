/**
 * The one string rule (shared/text.ts): what PostgreSQL can store. The oracle for the properties
 * is independent of the rule's regex: a string is storable when it has no U+0000 and survives a
 * round trip through UTF-8 unchanged (a lone surrogate does not).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { formatPath, isStorable, jsonObject, printable, text, textProblem, unstorable } from '@shared/text';
import { eventInput } from '@shared/ingest';

const storableByUtf8 = (s: string) => !s.includes('\u0000') && Buffer.from(s, 'utf8').toString('utf8') === s;

/** Every string and key of a JSON value (test-only recursion over small values). */
function allText(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => allText(x, out));
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      allText(x, out);
    }
  }
  return out;
}

/** {a: {a: … 1}} n levels deep, built without recursion. */
function nested(n: number): Record<string, unknown> {
  let o: Record<string, unknown> = { a: 1 };
  for (let i = 1; i < n; i++) o = { a: o };
  return o;
}

describe('textProblem', () => {
  it.each([
    ['', null],
    ['plain', null],
    ['中文 and emoji 😀', null],
    ['😀', null],
    ['\ud83d\ude00', null],
    ['\u0000', 'must not contain U+0000'],
    ['a\u0000b', 'must not contain U+0000'],
    ['\ud800', 'must not contain a lone surrogate (U+D800)'],
    ['x\udbff', 'must not contain a lone surrogate (U+DBFF)'],
    ['\udc00x', 'must not contain a lone surrogate (U+DC00)'],
    ['😀\ude00', 'must not contain a lone surrogate (U+DE00)'],
    ['\ud83d\ud83d\ude00', 'must not contain a lone surrogate (U+D83D)'],
    ['\ufffd\uffff\u0001', null],
  ])('%j → %s', (s, want) => {
    expect(textProblem(s)).toBe(want);
    expect(isStorable(s)).toBe(want === null);
  });

  it('agrees with a UTF-8 round trip on any binary string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 24 }), (s) => {
        expect(textProblem(s) === null).toBe(storableByUtf8(s));
      }),
      { numRuns: 400 },
    );
  }, 30_000); // fast-check's binary strings are slow to generate (~3 ms each on a busy 2-core machine)

  it('agrees with a UTF-8 round trip on any string of graphemes, with bad units spliced in', () => {
    const bad = fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.option(bad), fc.nat(), (s, insert, at) => {
        const i = s.length === 0 ? 0 : at % s.length;
        const t = insert === null ? s : s.slice(0, i) + insert + s.slice(i);
        expect(textProblem(t) === null).toBe(storableByUtf8(t));
      }),
      { numRuns: 2000 },
    );
  });

  it('printable() always gives storable text and keeps storable text as it is', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 24 }), (s) => {
        expect(isStorable(printable(s))).toBe(true);
        if (isStorable(s)) expect(printable(s)).toBe(s);
      }),
      { numRuns: 200 },
    );
    expect(printable('a\u0000b\ud800')).toBe('a\\u0000b\\ud800');
  });
});

describe('text(max)', () => {
  const messages = (schema: z.ZodType, v: unknown) => {
    const r = schema.safeParse(v);
    return r.success ? [] : r.error.issues.map((i) => i.message);
  };
  it.each([
    ['ok', []],
    ['😀', []],
    ['\u0000', ['must not contain U+0000']],
    ['\ud800', ['must not contain a lone surrogate (U+D800)']],
    ['\udc00x', ['must not contain a lone surrogate (U+DC00)']],
    ['toolong', ['must be at most 5 characters']],
    [5, ['must be a string']],
  ])('%j → %j', (v, want) => {
    expect(messages(text(5), v)).toEqual(want);
  });
  it('trims first, then counts, and chains like z.string()', () => {
    expect(text(3, { trim: true }).parse('  ab  ')).toBe('ab');
    expect(messages(text(10, { trim: true, min: 1 }), '   ')).toEqual(['must not be empty']);
    expect(messages(text(10, { min: 3 }), 'ab')).toEqual(['must be at least 3 characters']);
    expect(messages(text(10).regex(/^\d+$/, 'digits'), '1\u00002')).toEqual(['must not contain U+0000', 'digits']);
    expect(text(10).optional().parse(undefined)).toBeUndefined();
  });
});

describe('unstorable (the walker)', () => {
  it.each([
    [{ a: 'x', b: [1, 'y', { c: null }] }, null],
    [{ a: 'x\u0000' }, { path: ['a'], message: 'must not contain U+0000' }],
    [{ a: ['ok', { b: '\udc00' }] }, { path: ['a', 1, 'b'], message: 'must not contain a lone surrogate (U+DC00)' }],
    [{ 'k\u0000': 1 }, { path: ['k\u0000'], message: 'the key must not contain U+0000' }],
    [
      { a: { '\ud800': 'x' } },
      { path: ['a', '\ud800'], message: 'the key must not contain a lone surrogate (U+D800)' },
    ],
    ['\u0000', { path: [], message: 'must not contain U+0000' }],
    [
      { first: '\u0000', second: '\ud800' },
      { path: ['first'], message: 'must not contain U+0000' },
    ],
  ])('%j → %j', (v, want) => {
    expect(unstorable(v, { maxDepth: 8 })).toEqual(want);
  });

  it('stops at the depth limit, naming where: the value itself is level 1', () => {
    expect(unstorable(nested(8), { maxDepth: 8 })).toBeNull();
    expect(unstorable(nested(9), { maxDepth: 8 })).toEqual({
      path: Array(8).fill('a'),
      message: 'nested deeper than 8 levels',
    });
    expect(unstorable([[[[1]]]], { maxDepth: 3 })).toEqual({ path: [0, 0, 0], message: 'nested deeper than 3 levels' });
  });

  it('never overflows the stack, however deep the value (7,000 and 200,000 levels)', () => {
    for (const n of [7_000, 200_000]) {
      expect(unstorable(nested(n), { maxDepth: 32 })?.message).toBe('nested deeper than 32 levels');
      // Even with no useful limit, the walk is iterative.
      expect(unstorable(nested(n), { maxDepth: Infinity })).toBeNull();
    }
  });

  it('counts keys and items when asked, and checks only the shape with text: false', () => {
    expect(unstorable({ a: 1, b: 2, c: 3 }, { maxDepth: 2, maxKeys: 2 })).toEqual({
      path: [],
      message: 'must hold at most 2 keys',
    });
    expect(unstorable({ x: [1, 2, 3] }, { maxDepth: 2, maxKeys: 2 })).toEqual({
      path: ['x'],
      message: 'must hold at most 2 items',
    });
    expect(unstorable({ a: '\u0000' }, { maxDepth: 2, text: false })).toBeNull();
    expect(unstorable(Buffer.from([0, 0xff]), { maxDepth: 1 })).toBeNull();
  });

  it('finds a bad string or key anywhere in any JSON value (binary strings)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }), (v) => {
        const bad = unstorable(v, { maxDepth: 100 });
        expect(bad === null).toBe(allText(v).every(storableByUtf8));
      }),
      { numRuns: 300 },
    );
  }, 30_000);

  it('formats paths for messages: printable, and shortened in the middle when long', () => {
    expect(formatPath('body', ['attributes', 'a', 0])).toBe('body.attributes.a.0');
    expect(formatPath('body', ['k\u0000'])).toBe('body.k\\u0000');
    expect(formatPath('body', Array(30).fill('a'))).toBe(`body.${Array(9).fill('a').join('.')}.…(19 more).a.a`);
  });
});

describe('free JSON (an event’s attributes)', () => {
  const attrs = jsonObject({ maxDepth: 8, maxBytes: 1024 });
  it('takes storable objects up to 8 levels and 1 KB', () => {
    expect(attrs.safeParse({ a: { b: ['x', 1, null] } }).success).toBe(true);
    expect(attrs.safeParse(nested(8)).success).toBe(true);
  });
  it('refuses deeper nesting, bad text and too many bytes, naming the field', () => {
    const issues = (v: unknown) => {
      const r = attrs.safeParse(v);
      return r.success ? [] : r.error.issues.map((i) => ({ path: i.path, message: i.message }));
    };
    expect(issues(nested(9))).toEqual([{ path: Array(8).fill('a'), message: 'nested deeper than 8 levels' }]);
    expect(issues({ note: 'a\u0000' })).toEqual([{ path: ['note'], message: 'must not contain U+0000' }]);
    expect(issues({ blob: 'x'.repeat(2000) })).toEqual([{ path: [], message: 'must be at most 1 KB as JSON' }]);
    expect(issues([1])[0]?.message).toBe('must be an object');
  });
});

describe('the event schema uses the rule', () => {
  const base = {
    id: 'e1',
    source: 'camera',
    type: 'stranger',
    at: '2026-11-22T20:00:00+08:00',
    location: { lon: 115.9, lat: 28.7 },
  };
  const firstIssue = (v: unknown) => {
    const r = eventInput.safeParse(v);
    return r.success ? null : `${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`;
  };
  it.each([
    [{ ...base }, null],
    [{ ...base, id: 'x\u0000' }, 'id: must not contain U+0000'],
    [{ ...base, deviceId: '\ud800' }, 'deviceId: must not contain a lone surrogate (U+D800)'],
    [{ ...base, attributes: { plate: '赣A\udc00' } }, 'attributes.plate: must not contain a lone surrogate (U+DC00)'],
    [
      { ...base, media: [{ kind: 'image', url: 'https://cam.example/a\u0000.jpg' }] },
      'media.0.url: must not contain U+0000',
    ],
    [{ ...base, at: '0000-06-01T00:00:00Z' }, 'at: must be a time in the years 0001 to 9999 (UTC)'],
    [{ ...base, at: '0001-01-01T00:00:00+08:00' }, 'at: must be a time in the years 0001 to 9999 (UTC)'],
    [{ ...base, id: '😀' }, null],
  ])('%#: %s', (v, want) => {
    expect(firstIssue(v)).toBe(want);
  });
  it('refuses attributes nested 7,000 deep at level 9, without overflowing anything', () => {
    expect(firstIssue({ ...base, attributes: nested(7000) })).toBe(
      `attributes.${Array(8).fill('a').join('.')}: nested deeper than 8 levels`,
    );
  });
});
