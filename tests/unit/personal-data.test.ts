import { describe, expect, it } from 'vitest';
import { maskTail, mayReveal, PERSONAL_FIELDS, revealBody } from '@shared/personal-data';
import { ROLES } from '@shared/auth';

describe('maskTail', () => {
  it.each([
    // An ID number (身份证号, 18 with a check letter) and a mobile number: the last four stay.
    ['11010519491231002X', '**************002X'],
    ['13812345678', '*******5678'],
    ['+86 138-1234-5678', '*************5678'],
    // Short values keep at most half of themselves: never shown whole.
    ['12345678', '****5678'],
    ['1234567', '****567'],
    ['12345', '***45'],
    ['1234', '**34'],
    ['123', '**3'],
    ['1', '*'],
    ['', ''],
  ])('%j → %j', (value, masked) => {
    expect(maskTail(value)).toBe(masked);
  });

  it('counts what a person sees as one character: CJK beyond the BMP, combining marks, emoji', () => {
    // 𠀀 and 𠀁 are surrogate pairs; é is e + U+0301; 👨‍👩‍👧 is one family of five code points.
    expect(maskTail('𠀀𠀁𠀂𠀃𠀄𠀅𠀆𠀇')).toBe('****𠀄𠀅𠀆𠀇');
    expect(maskTail('abcde\u0301fghij')).toBe('******ghij');
    expect(maskTail('👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧12345')).toBe('****2345');
    // Never a lone surrogate: the result is well-formed UTF-16 whatever was cut.
    for (const v of ['𠀀𠀁𠀂', 'a😀b😀c😀d😀e', '张三李四王五赵六']) {
      const m = maskTail(v);
      expect(m).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      expect(Array.from(m).length).toBeLessThanOrEqual(Array.from(v).length);
    }
  });

  it('leaves the hidden part unreadable: nothing before the kept tail survives', () => {
    const v = '310101198001011234';
    const m = maskTail(v);
    expect(m.slice(0, -4)).toMatch(/^\*+$/);
    expect(m).not.toContain(v.slice(0, 6));
  });
});

describe('who may reveal', () => {
  it('lets the centre call the reporter back and only a commander see a party ID', () => {
    const table = Object.fromEntries(ROLES.map((r) => [r, PERSONAL_FIELDS.filter((f) => mayReveal(r, f))]));
    expect(table).toEqual({
      admin: [],
      commander: ['reporterPhone', 'partyId'],
      dispatcher: ['reporterPhone'],
      field: [],
      wall: [],
      viewer: [],
    });
    expect(mayReveal('device', 'reporterPhone')).toBe(false);
  });

  it('asks which party for partyId, and only then', () => {
    expect(revealBody.safeParse({ field: 'reporterPhone' }).success).toBe(true);
    expect(revealBody.safeParse({ field: 'partyId', party: 0 }).success).toBe(true);
    const noParty = revealBody.safeParse({ field: 'partyId' });
    expect(noParty.success ? null : noParty.error.issues[0]?.path).toEqual(['party']);
    const stray = revealBody.safeParse({ field: 'reporterPhone', party: 1 });
    expect(stray.success ? null : stray.error.issues[0]?.path).toEqual(['party']);
    expect(revealBody.safeParse({ field: 'name' }).success).toBe(false);
  });
});
