/** The English scan of zh-CN screens (tests/e2e/english-scan.ts): what counts as untranslated English. */
import { describe, expect, it } from 'vitest';
import { ALLOWED, describeFindings, englishWords, findEnglish } from '../e2e/english-scan';
import zhCN from '@client/i18n/zh-CN';

/** Every string of a message table with its key path. */
const leaves = (o: unknown, path = ''): [string, string][] =>
  typeof o === 'string'
    ? [[path, o]]
    : Object.entries(o as Record<string, unknown>).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));

/** Messages that show codes on purpose: examples of what to type. */
const CODE_EXAMPLES: Record<string, string> = {
  'admin.audit.filterAction': 'audit action codes (auth.login) are what the filter matches',
  'admin.deadLetters.asText': '\\xNN is how an invalid byte is written in the payload shown',
};

describe('englishWords', () => {
  it.each<[string, string, string[]]>([
    ['Chinese only', '一级告警，自动生成事件', []],
    [
      'an English sentence',
      'priority 1 alarm: an incident at once',
      ['priority', 'alarm', 'an', 'incident', 'at', 'once'],
    ],
    ['English inside Chinese', '系统（system）', ['system']],
    ['an untranslated code', '类型：fence_intrusion', ['fence_intrusion']],
    ['an i18n key with no message', 'incidents.detail.by', ['incidents.detail.by']],
    ['ids and codes with digits', 'unit-police-0001 · E20261122-0003 · P1 · H.264 · 3km', []],
    ['numbers', '12:30:05 · 3.5 · 100%', []],
    ['allowed terms', 'SLA 时限 · 身份证 ID · QR 二维码 · TOTP · MQTT · HLS / HTTP-FLV · 1.2 km · 300 m · EN', []],
    ['an allowed term in the wrong case is English', 'sla · Km', ['sla', 'Km']],
    ['closing punctuation is not part of the word', 'Failed. Retry:', ['Failed', 'Retry']],
    ['a URL with a digit is data', 'http://127.0.0.1:8091/login', []],
  ])('%s', (_what, text, want) => {
    expect(englishWords(text)).toEqual(want);
  });

  it('lets values the test knows to be data through', () => {
    expect(englishWords('e2e gateway（设备密钥）', new Set(['gateway']))).toEqual([]);
  });

  it('says why each allowed term may stay', () => {
    for (const [term, why] of ALLOWED) expect(why.length, term).toBeGreaterThan(10);
  });
});

describe('the zh-CN message table', () => {
  it('has no English outside its {placeholders}', () => {
    const english = leaves(zhCN)
      .filter(([key]) => !(key in CODE_EXAMPLES))
      .flatMap(([key, text]) => englishWords(text.replace(/\{[^}]*\}/g, ' ')).map((w) => `${key}: ${w}`));
    expect(english).toEqual([]);
  });
});

describe('findEnglish', () => {
  it('names each word with its text and place, a repeated text at one place once', () => {
    const found = findEnglish([
      { text: '派单 Dispatch', where: 'desk: button' },
      { text: '派单 Dispatch', where: 'desk: button' },
      { text: '派单 Dispatch', where: 'field: button' },
      { text: '已派单', where: 'desk: span' },
    ]);
    expect(found).toEqual([
      { word: 'Dispatch', text: '派单 Dispatch', where: 'desk: button' },
      { word: 'Dispatch', text: '派单 Dispatch', where: 'field: button' },
    ]);
    expect(describeFindings(found)).toBe(
      'Dispatch  in "派单 Dispatch"  at desk: button\nDispatch  in "派单 Dispatch"  at field: button',
    );
  });
});
