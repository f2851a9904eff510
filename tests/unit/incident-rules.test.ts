/**
 * The pure rules of incidents (issue 6): SLA clocks and deadlines, the dispute risk score, categories
 * (department, unit kinds, families, what an alarm's event type is about), ETAs and the nearest units.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SLA, dueBreaches, nextDue, slaClocks, slaPolicy, stageMinutes, type StageTimes } from '@shared/sla';
import { disputeRisk, riskLevel } from '@shared/dispute-risk';
import { riskFactor } from '@shared/hub-text';
import {
  CATEGORIES,
  DISPUTE_CATEGORIES,
  RISK_CATEGORIES,
  categoryOfEvent,
  compatibleCategories,
} from '@shared/incident-categories';
import { EVENT_TYPES } from '@shared/ingest';
import { UnitIndex, etaMinutes } from '@server/services/unit-index';
import type { UnitRow } from '@server/repositories/unit.repository';
import { distanceM } from '@shared/geo';

const MIN = 60_000;
const t0 = Date.parse('2026-03-01T00:00:00Z');
const times = (over: Partial<StageTimes> = {}): StageTimes => ({
  createdAt: t0,
  dispatchedAt: null,
  firstDispatchedAt: null,
  unitAcceptedAt: null,
  arrivedAt: null,
  resolvedAt: null,
  ...over,
});
const p1 = stageMinutes(DEFAULT_SLA, 'public_order', 1); // 3 / 2 / 10 / 120

describe('SLA clocks', () => {
  it('takes the priority’s minutes, with the category’s overrides', () => {
    expect(p1).toEqual({ dispatch: 3, accept: 2, arrive: 10, resolve: 120 });
    expect(stageMinutes(DEFAULT_SLA, 'dispute_neighbour', 1)).toEqual({
      dispatch: 3,
      accept: 2,
      arrive: 10,
      resolve: 7 * 24 * 60,
    });
    expect(stageMinutes(DEFAULT_SLA, 'noise', 9).dispatch).toBe(30); // clamped to priority 4
  });

  it.each([
    [
      'just reported',
      times(),
      1 * MIN,
      { dispatch: 'running', accept: 'pending', arrive: 'pending', resolve: 'running' },
    ],
    [
      'not dispatched in time',
      times(),
      4 * MIN,
      { dispatch: 'breached', accept: 'pending', arrive: 'pending', resolve: 'running' },
    ],
    [
      'dispatched in time, waiting for a unit',
      times({ firstDispatchedAt: t0 + 2 * MIN, dispatchedAt: t0 + 2 * MIN }),
      3 * MIN,
      { dispatch: 'met', accept: 'running', arrive: 'pending', resolve: 'running' },
    ],
    [
      'dispatched late',
      times({ firstDispatchedAt: t0 + 5 * MIN, dispatchedAt: t0 + 5 * MIN }),
      6 * MIN,
      { dispatch: 'late', accept: 'running', arrive: 'pending', resolve: 'running' },
    ],
    [
      'on scene',
      times({
        firstDispatchedAt: t0 + MIN,
        dispatchedAt: t0 + MIN,
        unitAcceptedAt: t0 + 2 * MIN,
        arrivedAt: t0 + 9 * MIN,
      }),
      10 * MIN,
      { dispatch: 'met', accept: 'met', arrive: 'met', resolve: 'running' },
    ],
    [
      'resolved after 3 h',
      times({
        firstDispatchedAt: t0 + MIN,
        dispatchedAt: t0 + MIN,
        unitAcceptedAt: t0 + 2 * MIN,
        arrivedAt: t0 + 9 * MIN,
        resolvedAt: t0 + 180 * MIN,
      }),
      200 * MIN,
      { dispatch: 'met', accept: 'met', arrive: 'met', resolve: 'late' },
    ],
  ] as const)('%s', (_what, t, at, want) => {
    const got = Object.fromEntries(slaClocks(t, p1, t0 + at).map((c) => [c.stage, c.state]));
    expect(got).toEqual(want);
  });

  it('stops every clock of a closed incident', () => {
    expect(slaClocks(times(), p1, t0 + 500 * MIN, true).every((c) => c.state === 'pending')).toBe(true);
    expect(nextDue(times(), p1, [], true)).toBeNull();
  });

  it('gives the earliest deadline not handled yet, and the breaches due', () => {
    expect(nextDue(times(), p1, [])).toBe(t0 + 3 * MIN);
    expect(nextDue(times(), p1, ['dispatch'])).toBe(t0 + 120 * MIN);
    expect(dueBreaches(times(), p1, [], t0 + 3 * MIN)).toEqual([]);
    expect(dueBreaches(times(), p1, [], t0 + 3 * MIN + 1)).toEqual(['dispatch']);
    expect(dueBreaches(times(), p1, ['dispatch'], t0 + 121 * MIN)).toEqual(['resolve']);
    expect(dueBreaches(times(), p1, [], t0 + 121 * MIN)).toEqual(['dispatch', 'resolve']);
  });

  it('validates a policy and names the bad field', () => {
    expect(slaPolicy.safeParse(DEFAULT_SLA).success).toBe(true);
    const bad = slaPolicy.safeParse({
      ...DEFAULT_SLA,
      byPriority: { ...DEFAULT_SLA.byPriority, '2': { dispatch: 0, accept: 5, arrive: 20, resolve: 60 } },
    });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]).toMatchObject({
      path: ['byPriority', '2', 'dispatch'],
      message: 'must be at least 1 minute',
    });
    expect(slaPolicy.safeParse({ ...DEFAULT_SLA, byCategory: { nonsense: { resolve: 5 } } }).success).toBe(false);
  });
});

describe('dispute risk', () => {
  const base = {
    category: 'dispute_consumer',
    sameParties: 0,
    sameAddress: 0,
    failedMediations: 0,
    escalations: 0,
    text: '',
  };
  it.each([
    ['a first consumer dispute', base, 0, 'low', []],
    ['a family dispute', { ...base, category: 'dispute_family' }, 15, 'low', ['category']],
    ['threat words', { ...base, text: '他说要报复' }, 30, 'medium', ['threat_words']],
    ['English threat words, any case', { ...base, text: 'said he would KILL him' }, 30, 'medium', ['threat_words']],
    [
      'the same parties twice and a failed mediation',
      { ...base, sameParties: 2, failedMediations: 1 },
      45,
      'medium',
      ['repeat_parties', 'failed_mediations'],
    ],
    [
      'capped factors',
      { ...base, sameParties: 9, sameAddress: 9, failedMediations: 9, escalations: 9 },
      130,
      'high',
      ['repeat_parties', 'repeat_address', 'failed_mediations', 'escalations'],
    ],
    [
      'labour, repeat address, escalated, threat',
      { ...base, category: 'dispute_labour', sameAddress: 1, escalations: 1, text: '拿汽油' },
      55,
      'medium',
      ['repeat_address', 'category', 'escalations', 'threat_words'],
    ],
  ] as const)('%s', (_what, input, score, level, codes) => {
    const r = disputeRisk(input);
    expect(r.score).toBe(score);
    expect(r.level).toBe(level);
    expect(r.factors.map((f) => f.code)).toEqual(codes);
    expect(r.factors.reduce((s, f) => s + f.points, 0)).toBe(score);
    // Each factor travels as its code with parameters (the screen says it): valid on the wire.
    for (const f of r.factors) expect(riskFactor.parse(f)).toEqual(f);
  });
  it('draws the levels at 30 and 60', () => {
    expect([riskLevel(29), riskLevel(30), riskLevel(59), riskLevel(60)]).toEqual(['low', 'medium', 'medium', 'high']);
  });
});

describe('categories', () => {
  it('describes all 29, with a department and unit kinds', () => {
    expect(Object.keys(CATEGORIES).sort()).toEqual([...RISK_CATEGORIES].sort());
    for (const c of RISK_CATEGORIES) {
      expect(CATEGORIES[c].department.length).toBeGreaterThan(0);
      expect(CATEGORIES[c].unitKinds.length).toBeGreaterThan(0);
    }
    expect([...DISPUTE_CATEGORIES].sort()).toEqual([
      'dispute_consumer',
      'dispute_family',
      'dispute_labour',
      'dispute_land',
      'dispute_neighbour',
      'dispute_property',
      'dispute_traffic',
      'petition',
    ]);
  });
  it('maps every event type to a category', () => {
    for (const t of EVENT_TYPES) expect(RISK_CATEGORIES).toContain(categoryOfEvent(t));
    expect(categoryOfEvent('fence_intrusion')).toBe('railway_safety');
    expect(categoryOfEvent('fence_intrusion', null, 'fence')).toBe('railway_safety');
    expect(categoryOfEvent('fence_intrusion', null, 'camera')).toBe('public_order');
    expect(categoryOfEvent('one_key_alarm', 'school')).toBe('school_safety');
    expect(categoryOfEvent('one_key_alarm', 'hospital')).toBe('hospital_safety');
    expect(categoryOfEvent('noise')).toBe('noise');
  });
  it('treats one family, and security with safety, as compatible', () => {
    expect(compatibleCategories('public_order', 'criminal_case')).toBe(true);
    expect(compatibleCategories('public_order', 'fire_hazard')).toBe(true);
    expect(compatibleCategories('dispute_family', 'dispute_neighbour')).toBe(true);
    expect(compatibleCategories('public_order', 'sanitation')).toBe(false);
    expect(compatibleCategories('dispute_family', 'theft')).toBe(false);
  });
});

describe('nearest units and ETAs', () => {
  it('gives an ETA from the kind’s speed, the street factor and the turn-out time', () => {
    expect(etaMinutes('patrol_car', 0)).toBe(0.5);
    expect(etaMinutes('patrol_car', 10_000)).toBe(26.5); // 0.5 + 13 km / 30 km/h
    expect(etaMinutes('fire', 3_500)).toBe(8.8); // 1 + 4.55 km / 35 km/h
    expect(distanceM([115.9, 28.68], [115.9, 28.69])).toBeCloseTo(1112, -1);
  });

  const row = (
    id: string,
    kind: UnitRow['kind'],
    lon: number,
    status: UnitRow['status'] = 'available',
    department: string | null = null,
  ): UnitRow => ({
    id,
    callsign: id,
    kind,
    homeRegionCode: '360102',
    status,
    lon,
    lat: 28.68,
    updatedAt: new Date(t0),
    department,
    incidentId: null,
  });
  const units = [
    row('walk-near', 'police', 115.901),
    row('car-far', 'patrol_car', 115.93),
    row('busy', 'police', 115.9, 'busy'),
    row('off', 'patrol_car', 115.9, 'offline'),
    row('gw', 'grid_worker', 115.9001),
    row('cg', 'department', 115.905, 'available', '城管'),
    row('zj', 'department', 115.9005, 'available', '住建'),
  ];
  const index = new UnitIndex(
    () => Promise.resolve(units),
    () => Promise.resolve([]),
    () => t0,
  );

  it('proposes available units of the kinds asked, by ETA', async () => {
    await index.fresh();
    const got = index.nearest(115.9, 28.68, { kinds: ['police', 'patrol_car'], count: 5, maxM: 10_000 });
    expect(got.map((u) => u.unitId)).toEqual(['walk-near', 'car-far']);
    expect(got[0]!.distanceM).toBe(98);
    expect(
      index
        .nearest(115.9, 28.68, { kinds: ['department'], department: '城管', count: 3, maxM: 10_000 })
        .map((u) => u.unitId),
    ).toEqual(['cg']);
    expect(index.nearest(115.9, 28.68, { kinds: ['police'], count: 5, maxM: 50 })).toEqual([]);
  });

  it('follows this hub’s writes at once', async () => {
    await index.fresh();
    index.apply([{ ...units[0]!, status: 'busy', updatedAt: new Date(t0 - 1) }], true);
    expect(index.nearest(115.9, 28.68, { kinds: ['police'], count: 5, maxM: 10_000 })).toEqual([]);
  });
});
