import { describe, expect, it } from 'vitest';
import { INCIDENT_STATUSES } from '@shared/incident-machine';
import zh from '@client/i18n/field.zh-CN';
import { isFinalPhase, newestFirst, phaseOf, stepKey } from '@client/report/steps';
import { formatWhen } from '@client/report/time';

/** The i18n entry under field.track a key names (so every key the page can ask for exists). */
function text(key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], zh.field.track);
}

describe('phaseOf', () => {
  it('gives every status a phase with words', () => {
    for (const s of INCIDENT_STATUSES) expect(typeof text(`phase.${phaseOf(s)}`)).toBe('string');
  });

  it.each([
    ['reported', 'received'],
    ['dispatched', 'handling'],
    ['on_scene', 'handling'],
    ['resolved', 'resolved'],
    ['rated', 'verified'],
    ['closed', 'closed'],
  ] as const)('%s → %s', (s, p) => {
    expect(phaseOf(s)).toBe(p);
  });

  it('ends at closed and cancelled only', () => {
    expect(INCIDENT_STATUSES.filter((s) => isFinalPhase(phaseOf(s)))).toEqual(['closed', 'cancelled']);
  });
});

describe('stepKey', () => {
  const step = (action: string, to: string | null = null) => ({ at: '2026-01-01T00:00:00Z', action, to });
  it.each([
    [step('accept', 'accepted'), 'action.accept'],
    [step('arrive', 'on_scene'), 'action.arrive'],
    [step('create', 'reported'), 'action.created'],
    [step('report', 'reported'), 'action.created'],
    [step('something_new', 'resolved'), 'phase.resolved'],
    [step('something_new', null), 'action.other'],
    [step('something_new', 'not_a_status'), 'action.other'],
  ])('%j → %s', (s, key) => {
    expect(stepKey(s)).toBe(key);
    expect(typeof text(key)).toBe('string');
  });

  it('orders steps newest first', () => {
    const a = step('accept');
    const b = { ...step('dispatch'), at: '2026-01-01T01:00:00Z' };
    expect(newestFirst([a, b])).toEqual([b, a]);
  });

  it('puts the later of two steps of the same instant first (rated, then closed at once)', () => {
    const rate = { ...step('rate'), at: '2026-01-01T02:00:00Z' };
    const close = { ...step('close'), at: '2026-01-01T02:00:00Z' };
    expect(newestFirst([step('accept'), rate, close]).map((s) => s.action)).toEqual(['close', 'rate', 'accept']);
  });
});

describe('formatWhen', () => {
  const now = new Date(2026, 4, 20, 15, 0);
  it('shows only the time for today, the date before it otherwise', () => {
    expect(formatWhen(new Date(2026, 4, 20, 9, 5).toISOString(), 'en', now)).toBe('09:05');
    expect(formatWhen(new Date(2026, 4, 19, 9, 5).toISOString(), 'en', now)).toBe('05/19 09:05');
    expect(formatWhen(new Date(2025, 11, 31, 23, 59).toISOString(), 'en', now)).toBe('12/31/2025 23:59');
  });

  it('returns what it cannot read as it is', () => {
    expect(formatWhen('soon', 'en', now)).toBe('soon');
  });
});
