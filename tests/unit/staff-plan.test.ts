/**
 * The simulated staff's decisions (issue 15, server/simulator/staff-plan.ts): which incidents and
 * alarms they work (stable per object, in the planned shares), each incident's next steps and who
 * takes them, a person's pace within the SLA clocks, arrival, how many units to send, ratings.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '@server/demo/random';
import { offsetM } from '@server/demo/geo';
import {
  alarmMove,
  arrived,
  declines,
  DECLINE_SHARE,
  ratingOf,
  stepDelayMs,
  stepsFor,
  unitsToSend,
  WORK_SHARE,
  worksOn,
  type PlanIncident,
} from '@server/simulator/staff-plan';
import { DEFAULT_SLA } from '@shared/sla';
import type { LonLat } from '@shared/world';

const ids = (n: number, prefix = 'inc') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
const share = (xs: boolean[]) => xs.filter(Boolean).length / xs.length;

describe('which incidents the staff work', () => {
  it.each([1, 2, 3, 4] as const)('priority %i: about its share, the rest left to breach', (p) => {
    const got = share(ids(20_000).map((id) => worksOn(1, { id, priority: p })));
    expect(got).toBeGreaterThan(WORK_SHARE[p] - 0.01);
    expect(got).toBeLessThan(WORK_SHARE[p] + 0.01);
    expect(got).toBeLessThan(1);
  });

  it('decides once per incident: the same on every tick, another seed decides anew', () => {
    const all = ids(2_000);
    const a = all.map((id) => worksOn(1, { id, priority: 3 }));
    expect(all.map((id) => worksOn(1, { id, priority: 3 }))).toEqual(a);
    expect(all.map((id) => worksOn(2, { id, priority: 3 }))).not.toEqual(a);
  });

  it('works everything with a share of 1, nothing with 0', () => {
    expect(ids(500).every((id) => worksOn(1, { id, priority: 4 }, { 1: 1, 2: 1, 3: 1, 4: 1 }))).toBe(true);
    expect(ids(500).some((id) => worksOn(1, { id, priority: 1 }, { 1: 0, 2: 0, 3: 0, 4: 0 }))).toBe(false);
  });

  it('has a unit decline now and then, once per unit and incident', () => {
    const got = share(ids(20_000).map((id) => declines(1, id, 'unit-police-0001')));
    expect(got).toBeGreaterThan(DECLINE_SHARE - 0.01);
    expect(got).toBeLessThan(DECLINE_SHARE + 0.01);
    expect(declines(1, 'i', 'u', 0)).toBe(false);
    expect(declines(1, 'i', 'u', 1)).toBe(true);
  });
});

describe('what a dispatcher does with an unhandled alarm', () => {
  const moves = (priority: number, actions: string[], expiresAt: string | null) => {
    const out = new Map<string, number>();
    for (const id of ids(10_000, 'alarm')) {
      const m = alarmMove(1, { id, priority, actions, expiresAt });
      out.set(m, (out.get(m) ?? 0) + 1 / 10_000);
    }
    return out;
  };

  it('makes incidents of more alarms that ask for units, and of more urgent ones', () => {
    const withUnits = moves(2, ['cameras', 'units'], null).get('incident')!;
    const cameraOnly = moves(2, ['cameras'], null).get('incident')!;
    expect(withUnits).toBeGreaterThan(cameraOnly);
    expect(moves(3, [], null).get('incident')!).toBeLessThan(cameraOnly);
    expect(moves(1, [], null).get('incident')!).toBeGreaterThan(0.8);
    // The grid's grid workers go and see (absence): acknowledged, seldom an incident.
    expect(moves(2, ['grid_worker'], null).get('incident')!).toBeLessThan(0.1);
  });

  it('hands an alarm that has its incident already (priority 1 at once, an SLA breach) to that incident', () => {
    for (const id of ids(200, 'linked'))
      expect(alarmMove(1, { id, priority: 1, actions: ['units'], expiresAt: null, incidentId: 'inc-1' })).toBe(
        'incident',
      );
  });

  it('leaves only alarms that expire (the others would wait for ever), more of the less urgent', () => {
    expect(moves(3, [], null).get('leave')).toBeUndefined();
    const p2 = moves(2, [], '2026-03-02T10:00:00Z').get('leave')!;
    const p3 = moves(3, [], '2026-03-02T10:00:00Z').get('leave')!;
    expect(p2).toBeGreaterThan(0);
    expect(p3).toBeGreaterThan(p2);
    // Most are seen to: acknowledged, or made incidents.
    const m = moves(3, [], '2026-03-02T10:00:00Z');
    expect((m.get('acknowledge') ?? 0) + (m.get('incident') ?? 0)).toBeGreaterThan(0.5);
  });
});

describe('the next steps on an incident', () => {
  const inc = (status: string, assignments: [string, string][] = []): PlanIncident => ({
    id: 'i',
    status,
    priority: 2,
    assignments: assignments.map(([unitId, s]) => ({ unitId, status: s })),
  });
  it.each([
    ['reported', inc('reported'), false, [{ kind: 'accept' }]],
    ['accepted (first, or after a decline)', inc('accepted', [['u1', 'declined']]), false, [{ kind: 'dispatch' }]],
    [
      'dispatched to two',
      inc('dispatched', [
        ['u1', 'assigned'],
        ['u2', 'assigned'],
      ]),
      false,
      [
        { kind: 'answer', unitId: 'u1' },
        { kind: 'answer', unitId: 'u2' },
      ],
    ],
    [
      'one accepted and on its way, one still to answer',
      inc('unit_accepted', [
        ['u1', 'accepted'],
        ['u2', 'assigned'],
      ]),
      false,
      [
        { kind: 'arrive', unitId: 'u1' },
        { kind: 'answer', unitId: 'u2' },
      ],
    ],
    [
      'on scene: the first there resolves, the other still drives',
      inc('on_scene', [
        ['u1', 'accepted'],
        ['u2', 'arrived'],
      ]),
      false,
      [
        { kind: 'arrive', unitId: 'u1' },
        { kind: 'resolve', unitId: 'u2' },
      ],
    ],
    ['resolved', inc('resolved', [['u1', 'released']]), false, [{ kind: 'verify' }]],
    ['verified, a citizen of ours reported it', inc('verified'), true, [{ kind: 'rate' }]],
    ['verified, nobody to rate', inc('verified'), false, [{ kind: 'close' }]],
    ['closed', inc('closed'), false, []],
    ['merged', inc('merged'), false, []],
  ] as [string, PlanIncident, boolean, unknown[]][])('%s', (_what, i, citizen, expected) => {
    expect(stepsFor(i, citizen)).toEqual(expected);
  });
});

describe("a person's pace", () => {
  const rng = Rng.fromSeed(4).fork('pace');
  const max = (kind: Parameters<typeof stepDelayMs>[0], p: number, pace = 1) =>
    Math.max(...Array.from({ length: 2_000 }, () => stepDelayMs(kind, p, rng, pace)));

  it('accepts and dispatches within the dispatch clock, answers within the accept clock, for every priority', () => {
    for (const p of [1, 2, 3, 4] as const) {
      const sla = DEFAULT_SLA.byPriority[String(p) as '1'];
      expect(max('accept', p) + max('dispatch', p), `P${p}`).toBeLessThan(sla.dispatch * 60_000);
      expect(max('answer', p), `P${p}`).toBeLessThan(sla.accept * 60_000);
      expect(max('resolve', p), `P${p}`).toBeLessThan(sla.resolve * 60_000);
    }
  });

  it('is quicker for the more urgent, and scales with pace', () => {
    expect(max('accept', 1)).toBeLessThan(max('accept', 3));
    const human = stepDelayMs('verify', 2, Rng.fromSeed(1), 1);
    expect(stepDelayMs('verify', 2, Rng.fromSeed(1), 0.01)).toBe(Math.round(human * 0.01));
    expect(human).toBeGreaterThanOrEqual(300_000);
  });
});

describe('arrival', () => {
  const scene: LonLat = [115.9, 28.68];
  it.each([
    ['at the scene', offsetM(scene, 10, 10), 0, true],
    ['still far, within its time', offsetM(scene, 2_000, 0), 60_000, false],
    ['no position yet, within its time', undefined, 60_000, false],
    ['far, long past three ETAs and five minutes (nothing moved it)', offsetM(scene, 2_000, 0), 21 * 60_000, true],
  ] as [string, LonLat | undefined, number, boolean][])('%s → %s', (_what, at, elapsed, expected) => {
    expect(arrived(at, scene, 1_000, 1_000 + elapsed, 5, 1)).toBe(expected);
  });
});

describe('units to send', () => {
  it('sends two to a priority 1 when it can, else one; never a unit without an account', () => {
    expect(unitsToSend(1, ['a', 'b', 'c'], new Set())).toEqual(['a', 'b']);
    expect(unitsToSend(1, ['a'], new Set())).toEqual(['a']);
    expect(unitsToSend(3, ['a', 'b'], new Set())).toEqual(['a']);
    expect(unitsToSend(2, ['a', 'b'], new Set(['a']))).toEqual(['b']);
    expect(unitsToSend(2, [], new Set())).toEqual([]);
  });
});

describe("citizens' ratings", () => {
  it('are 1-5, mostly satisfied', () => {
    const r = ids(5_000).map((id) => ratingOf(1, id));
    expect(r.every((x) => Number.isInteger(x) && x >= 1 && x <= 5)).toBe(true);
    expect(r.filter((x) => x >= 4).length / r.length).toBeGreaterThan(0.75);
    expect(new Set(r).size).toBe(5);
  });
});
