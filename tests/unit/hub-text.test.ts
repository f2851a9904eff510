/**
 * The hub's words as keys (issue 15; shared/hub-text.ts, server/services/incidents/stored-text.ts):
 * what is written reads back as the same key; what older hubs stored (English sentences, the names
 * 'system' and 'citizen', risk factors with a sentence) reads back as the keys of today; a person's
 * words, even when they match an old sentence, stay as typed; and every key has a sentence in each
 * of the screens' languages.
 */
import { describe, expect, it } from 'vitest';
import type { DisputeJson } from '@server/db/schema';
import type { TimelineRow } from '@server/repositories/incident-timeline.repository';
import {
  alarmSource,
  disputeView,
  legacyNote,
  sourceRow,
  sourceView,
  summaryOf,
  timelineRow,
  timelineView,
} from '@server/services/incidents/stored-text';
import { HUB_NOTE_KEYS, RISK_FACTOR_CODES, SOURCE_SUMMARY_KEYS, type HubNote } from '@shared/hub-text';
import { disputeRisk } from '@shared/dispute-risk';
import { breachEffects, highRiskEntry } from '@shared/incident-effects';
import type { TimelineEntry } from '@shared/incident-facts';
import { ErrorCode } from '@shared/errors';
import { englishWords } from '../e2e/english-scan';
import zhHub from '@client/i18n/hub.zh-CN';
import enHub from '@client/i18n/hub.en';
import zhErrors from '@client/i18n/errors.zh-CN';
import enErrors from '@client/i18n/errors.en';

const AT = new Date('2026-11-22T12:00:00Z');

/** A stored row as older hubs wrote it (or as timelineRow writes it, given `details`). */
function row(over: Partial<TimelineRow>): TimelineRow {
  return {
    id: 1,
    incidentId: 'i1',
    at: AT,
    action: 'report',
    fromStatus: null,
    toStatus: 'reported',
    actor: 'system',
    actorId: 'hub',
    actorName: 'system',
    note: null,
    details: null,
    ...over,
  };
}

describe('timeline notes', () => {
  it('writes the hub’s note into details and reads it back as the key, not as a note', () => {
    const entry: TimelineEntry = { ...highRiskEntry(AT, 72) };
    const stored = timelineRow(entry, 'i1');
    expect(stored.note).toBeNull();
    expect(stored.details).toEqual({ score: 72, hubNote: { key: 'timeline.riskHigh', params: { score: 72 } } });
    const wire = timelineView(row({ ...stored, action: 'risk_high', toStatus: null }));
    expect(wire).toMatchObject({
      note: null,
      actorName: null,
      hubNote: { key: 'timeline.riskHigh', params: { score: 72 } },
      // The key is not repeated in details.
      details: { score: 72 },
    });
  });

  it('keeps a person’s note beside the hub’s, and null details as null', () => {
    const [breach] = breachEffects(
      {
        status: 'dispatched',
        breaches: [],
        flagged: false,
        escalations: 0,
        maxEscalations: 4,
      } as never,
      ['accept'],
      AT,
    ).timeline;
    expect(timelineRow(breach!, 'i1').details).toEqual({
      stage: 'accept',
      escalations: 1,
      hubNote: { key: 'timeline.slaBreach', params: { stage: 'accept' } },
    });
    const typed = timelineView(row({ actor: 'centre', actorName: '王调度', action: 'cancel', note: '重复上报' }));
    expect(typed).toMatchObject({ actorName: '王调度', note: '重复上报', hubNote: null, details: null });
  });

  it.each<[string, Partial<TimelineRow>, HubNote]>([
    [
      'an alarm’s incident',
      { action: 'report', note: 'priority 1 alarm: an incident at once' },
      { key: 'timeline.alarmIncident', params: { priority: 1 } },
    ],
    [
      'a breach',
      { action: 'sla_breach', note: 'dispatch deadline passed; escalated one level up' },
      { key: 'timeline.slaBreach', params: { stage: 'dispatch' } },
    ],
    [
      'a high risk',
      { action: 'risk_high', note: 'risk score 75: high (民转刑 early warning); escalated and supervised' },
      { key: 'timeline.riskHigh', params: { score: 75 } },
    ],
    [
      'no citizen to rate',
      { action: 'close', note: 'no citizen rating to wait for' },
      { key: 'timeline.noRatingToWait', params: {} },
    ],
    ['rated', { action: 'close', note: 'rated by the citizen' }, { key: 'timeline.rated', params: {} }],
    [
      'no rating',
      { action: 'close', note: 'no rating within 72 h' },
      { key: 'timeline.ratingTimeout', params: { hours: 72 } },
    ],
    [
      'a QR report',
      { actor: 'citizen', actorName: 'citizen', actorId: 'ABCD', note: 'QR code of 110101001001' },
      { key: 'timeline.qrReport', params: { region: '110101001001' } },
    ],
  ])('reads an older hub’s sentence as its key: %s', (_what, over, key) => {
    const wire = timelineView(row(over));
    expect(wire.hubNote).toEqual(key);
    expect(wire.note).toBeNull();
    // Neither 'system' nor 'citizen' reaches a screen as a name.
    expect(wire.actorName).toBeNull();
  });

  it('keeps the same words typed by a person, and sentences of no known form', () => {
    expect(legacyNote('centre', 'close', 'rated by the citizen')).toBeNull();
    expect(legacyNote('unit', 'report', 'priority 1 alarm: an incident at once')).toBeNull();
    expect(legacyNote('system', 'sla_breach', 'lunch deadline passed; escalated one level up')).toBeNull();
    const odd = timelineView(row({ action: 'close', note: 'closed by an operator script' }));
    expect(odd).toMatchObject({ note: 'closed by an operator script', hubNote: null });
    // A citizen who gave a name keeps it.
    expect(timelineView(row({ actor: 'citizen', actorName: '李女士' })).actorName).toBe('李女士');
  });
});

describe('source summaries', () => {
  it('writes the key as JSON and reads it back', () => {
    const a = alarmSource({ id: 'a1', createdAt: AT, ruleName: '警戒区烟火', eventType: 'smoke' });
    const stored = sourceRow(a, 'i1');
    expect(sourceView(stored)).toEqual({
      kind: 'alarm',
      ref: 'a1',
      at: AT.toISOString(),
      summary: { key: 'source.alarm', params: { rule: '警戒区烟火', type: 'smoke' } },
    });
  });

  it.each([
    [
      'alarm',
      '铁路围栏入侵 (fence_intrusion)',
      { key: 'source.alarm', params: { rule: '铁路围栏入侵', type: 'fence_intrusion' } },
    ],
    ['report', 'citizen report (QR 110101001001)', { key: 'source.citizen', params: { region: '110101001001' } }],
    ['report', 'citizen report', { key: 'source.citizen', params: { region: null } }],
    [
      'report',
      'hotline: 路灯不亮: 已三天',
      { key: 'source.report', params: { source: 'hotline', title: '路灯不亮: 已三天' } },
    ],
    [
      'incident',
      'E20261122-0001 楼道堆物',
      { key: 'source.incident', params: { code: 'E20261122-0001', title: '楼道堆物' } },
    ],
    ['report', 'something else entirely', { key: 'source.text', params: { text: 'something else entirely' } }],
    ['alarm', '{"key":"source.nope"}', { key: 'source.text', params: { text: '{"key":"source.nope"}' } }],
  ] as const)('reads an older hub’s %s summary %j', (kind, stored, want) => {
    expect(summaryOf(kind, stored)).toEqual(want);
  });
});

describe('risk factors', () => {
  it('reads factors of today as they are, and older ones’ sentences into parameters', () => {
    const today = disputeRisk({
      category: 'dispute_family',
      sameParties: 2,
      sameAddress: 0,
      failedMediations: 0,
      escalations: 0,
      text: '扬言报复',
    });
    const d: DisputeJson = {
      parties: [],
      channel: null,
      mediations: [],
      outcome: 'ongoing',
      supervised: false,
      risk: {
        ...today,
        factors: [
          ...today.factors,
          { code: 'repeat_address', detail: '3 earlier dispute(s) within 100 m in 180 days', points: 15 },
          { code: 'category', detail: 'category dispute_land', points: 10 },
          { code: 'threat_words', detail: 'threat words: 刀, kill', points: 30 },
          { code: 'escalations', detail: 'escalated 2 time(s)', points: 20 },
          { code: 'retired_rule', detail: 'whatever it was', points: 5 },
        ],
      },
    };
    expect(disputeView(d).risk.factors).toEqual([
      { code: 'repeat_parties', params: { n: 2 }, points: 30 },
      { code: 'category', params: { category: 'dispute_family' }, points: 15 },
      { code: 'threat_words', params: { words: ['报复'] }, points: 30 },
      { code: 'repeat_address', params: { n: 3 }, points: 15 },
      { code: 'category', params: { category: 'dispute_land' }, points: 10 },
      { code: 'threat_words', params: { words: ['刀', 'kill'] }, points: 30 },
      { code: 'escalations', params: { n: 2 }, points: 20 },
    ]);
  });
});

describe('the screens’ tables', () => {
  const at = (table: unknown, path: string): unknown =>
    path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], table);
  it.each([
    ['zh-CN', zhErrors],
    ['en', enErrors],
  ])('%s says every error code of the hub', (_locale, table) => {
    for (const code of Object.values(ErrorCode))
      expect(typeof at(table, `errors.${code.replace('/', '.')}`), code).toBe('string');
  });
  it('zh-CN says the codes without the hub’s English message', () => {
    for (const code of Object.values(ErrorCode)) {
      const said = at(zhErrors, `errors.${code.replace('/', '.')}`) as string;
      expect(said, code).not.toContain('{message}');
      expect(englishWords(said), code).toEqual([]);
    }
  });
  it.each([
    ['zh-CN', zhHub],
    ['en', enHub],
  ])('%s says every key', (_locale, table) => {
    for (const key of HUB_NOTE_KEYS) expect(typeof at(table, `hub.${key}`), key).toBe('string');
    // source.citizen is said with or without the QR code's region.
    for (const key of [...SOURCE_SUMMARY_KEYS, 'source.citizenQr'])
      expect(typeof at(table, `hub.${key}`), key).toBe('string');
    for (const code of RISK_FACTOR_CODES) expect(typeof at(table, `hub.risk.${code}`), code).toBe('string');
  });
});
