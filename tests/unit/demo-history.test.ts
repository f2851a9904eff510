/**
 * The demo city's year of history (issue 16), generated without a database: the same seed gives
 * the same rows; every incident's timeline is a legal walk of the machine (replayed through
 * `transition`) that ended before the start; the volume, the season and the day's curve, and the
 * shares of late, unrated and escalated incidents. The full city's year is generated once (tens of
 * seconds of CPU) for its counts.
 */
import { describe, expect, it } from 'vitest';
import { generateDemoCity } from '@server/demo';
import { generateHistory, type History } from '@server/history/generate';
import { beijingHour } from '@server/simulator/day-curve';
import { transition, type IncidentAction, type IncidentState } from '@shared/incident-machine';
import { maxEscalationsOf } from '@shared/incident-facts';

const START = Date.parse('2026-12-06T02:00:00Z');
const DAY = 86_400_000;
const small = generateDemoCity({ scale: 'small', seed: 7 });
const history = (seed = 7): History => generateHistory(small, { scale: 'small', seed, startMs: START, months: 12 });
const h = history();

/** Replay an incident's timeline through the machine; its last state, or why it was refused. */
function replay(h: History, k: number): { status: string } | { refused: string } {
  const i = h.incidents[k]!;
  let s: IncidentState = {
    status: 'reported',
    units: [],
    escalations: 0,
    maxEscalations: maxEscalationsOf(i.gridCode),
  };
  for (const e of h.timelines[k]!) {
    if (e.action === 'report') continue;
    if (e.action === 'sla_breach' || e.action === 'risk_high') {
      s = { ...s, escalations: Math.min(s.maxEscalations, s.escalations + 1) };
      continue;
    }
    if (e.action === 'mediation') continue;
    // The hub's own close after a verify of a non-citizen report, or after a rating: part of the step before.
    if (
      e.action === 'close' &&
      e.actor === 'system' &&
      (s.status === 'verified' || s.status === 'rated') &&
      e.details === null &&
      e.hubNote?.key !== 'timeline.ratingTimeout'
    ) {
      s = { ...s, status: 'closed' };
      continue;
    }
    const details = (e.details ?? {}) as { units?: string[] };
    // With the stand-in staff a unit acts under its own id.
    const unitId = e.actor === 'unit' ? e.actorId : undefined;
    const r = transition(s, {
      action: e.action as IncidentAction,
      actor: e.actor,
      actorId: e.actorId,
      at: e.at.toISOString(),
      note: e.note ?? undefined,
      unitIds: details.units,
      unitId,
      rating: i.rating ?? undefined,
    });
    if (!r.ok) return { refused: `${e.action}: ${r.reason}` };
    // Resolving releases every unit (the effects; the machine reads the active assignments).
    s = e.action === 'resolve' ? { ...r.next, units: [] } : r.next;
  }
  return { status: s.status };
}

describe('the demo history (small city)', () => {
  it('is the same for the same seed, and another for another', () => {
    const again = history();
    expect(again.incidents.map((i) => [i.id, i.code, i.status, i.closedAt?.getTime()])).toEqual(
      h.incidents.map((i) => [i.id, i.code, i.status, i.closedAt?.getTime()]),
    );
    expect(again.alarms.map((a) => a.id)).toEqual(h.alarms.map((a) => a.id));
    expect(history(8).incidents[0]!.id).not.toBe(h.incidents[0]!.id);
  });

  it('is small: a few hundred incidents, with alarms and the events behind them', () => {
    expect(h.incidents.length).toBeGreaterThan(200);
    expect(h.incidents.length).toBeLessThan(1_500);
    expect(h.alarms.length).toBeGreaterThan(50);
    expect(h.events.length).toBeGreaterThan(50);
  });

  it('replays every timeline through the machine to the status stored, all ended before the start', () => {
    const bad: string[] = [];
    h.incidents.forEach((i, k) => {
      const r = replay(h, k);
      if ('refused' in r) bad.push(`${i.code} ${r.refused}`);
      else if (r.status !== i.status) bad.push(`${i.code} replayed to ${r.status}, stored ${i.status}`);
      if (!['closed', 'cancelled', 'merged'].includes(i.status)) bad.push(`${i.code} is ${i.status}`);
      if (!i.closedAt || i.closedAt.getTime() >= START) bad.push(`${i.code} ended at ${i.closedAt?.toISOString()}`);
      if (i.createdAt.getTime() < START - 366 * DAY) bad.push(`${i.code} before the year`);
    });
    expect(bad.slice(0, 10)).toEqual([]);
    for (const a of h.alarms) {
      expect(['acknowledged', 'false_alarm', 'incident', 'expired']).toContain(a.status);
      expect(a.handledAt!.getTime()).toBeLessThan(START);
    }
    const ids = new Set(h.incidents.map((i) => i.id));
    for (const a of h.alarms.filter((x) => x.status === 'incident')) expect(ids.has(a.incidentId!)).toBe(true);
  });

  it('has late, unrated, escalated, cancelled and sent-back incidents, and disputes mostly agreed', () => {
    const share = (f: (i: History['incidents'][number]) => boolean) =>
      h.incidents.filter(f).length / h.incidents.length;
    expect(share((i) => i.breaches.length > 0)).toBeGreaterThan(0.01);
    expect(share((i) => i.breaches.length > 0)).toBeLessThan(0.3);
    expect(share((i) => i.escalations > 0)).toBeGreaterThan(0.01);
    expect(share((i) => i.status === 'cancelled')).toBeGreaterThan(0);
    expect(share((i) => (i.rejections ?? 0) > 0)).toBeGreaterThan(0);
    const citizens = h.incidents.filter((i) => i.trackingCode && i.status === 'closed');
    expect(citizens.filter((i) => i.rating === null).length).toBeGreaterThan(0);
    expect(citizens.filter((i) => i.rating !== null).length).toBeGreaterThan(0);
    const disputes = h.incidents.filter((i) => i.dispute && i.status === 'closed');
    expect(disputes.filter((i) => i.dispute!.outcome === 'agreed').length / disputes.length).toBeGreaterThan(0.95);
  });
});

describe('the demo history (full city)', () => {
  it(
    'has the seeds’ disputes, tens of thousands of incidents, a season and a day/night curve',
    { timeout: 600_000 },
    () => {
      const full = generateDemoCity({ scale: 'full', seed: 20260101 });
      const y = generateHistory(full, { scale: 'full', seed: 20260101, startMs: START, months: 12 });
      const disputes = y.incidents.filter((i) => i.kind === 'dispute').length;
      expect(disputes).toBeGreaterThan(20_000);
      expect(disputes).toBeLessThan(30_000);
      expect(y.incidents.length).toBeGreaterThan(30_000);
      expect(y.incidents.length).toBeLessThan(100_000);
      // Day and night: the evening hours hold several times the small hours' reports.
      const byHour = new Array<number>(24).fill(0);
      for (const i of y.incidents) byHour[Math.floor(beijingHour(i.createdAt.getTime()))]!++;
      expect(byHour[19]!).toBeGreaterThan(4 * byHour[3]!);
      // The season: February above November.
      const month = (i: History['incidents'][number]) => new Date(i.createdAt.getTime() + 8 * 3_600_000).getUTCMonth();
      const feb = y.incidents.filter((i) => month(i) === 1).length;
      const nov = y.incidents.filter((i) => month(i) === 10).length;
      expect(feb).toBeGreaterThan(1.2 * nov);
      expect(y.incidents.filter((i) => i.breaches.length > 0).length).toBeGreaterThan(0);
      expect(y.incidents.filter((i) => i.dispute?.supervised).length).toBeGreaterThan(0);
    },
  );
});
