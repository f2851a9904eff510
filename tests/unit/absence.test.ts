/**
 * The absence rule (issue 5), pure parts: which residents living alone are overdue (table-driven),
 * the synthetic event id of an absence spell, the rule's schema and defaults, `evaluate` leaving
 * absence rules to the sweep, and the demo city's residents and their last access before the seed.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  generateDemoCity,
  generateResidents,
  generateSeedAccess,
  maskName,
  SEED_ACCESS_MAX_AGE_MS,
} from '@server/demo';
import { pointInPolygon } from '@server/demo/geo';
import { createZoneIndex } from '@server/rules/zone-index';
import {
  absenceEventId,
  DEFAULT_ABSENCE_RULE,
  DEFAULT_RULES,
  evaluate,
  overdueResidents,
  ruleSchema,
  type AbsenceCandidate,
  type Rule,
} from '@server/rules/rules';
import { resident } from '@shared/world';
import { ConfigError, loadConfig } from '@server/core/config';

const H = 3_600_000;
const NOW = Date.parse('2026-11-22T12:00:00Z');
const REG = NOW - 100 * H;

describe('overdueResidents', () => {
  const c = (residentId: string, lastAccessMs: number | null, registeredMs = REG): AbsenceCandidate => ({
    residentId,
    lastAccessMs,
    registeredMs,
  });
  it.each([
    ['49 h since the last access, rule 48 h', [c('a', NOW - 49 * H)], 48, ['a']],
    ['exactly 48 h', [c('a', NOW - 48 * H)], 48, ['a']],
    ['47 h', [c('a', NOW - 47 * H)], 48, []],
    ['47 h 59 min 59.999 s', [c('a', NOW - 48 * H + 1)], 48, []],
    ['25 h under a 24 h rule', [c('a', NOW - 25 * H)], 24, ['a']],
    ['23 h under a 24 h rule', [c('a', NOW - 23 * H)], 24, []],
    ['no access: counted from registration, 100 h ago', [c('a', null)], 48, ['a']],
    ['no access, registered 10 h ago', [c('a', null, NOW - 10 * H)], 48, []],
    ['an access after registration wins over it', [c('a', NOW - H, NOW - 100 * H)], 48, []],
    ['a last access in the future (a clock ahead)', [c('a', NOW + H)], 1, []],
    ['rule of 720 h (30 days)', [c('a', NOW - 719 * H), c('b', NOW - 721 * H)], 720, ['b']],
    ['several, in the order given', [c('z', NOW - 50 * H), c('b', NOW - 10 * H), c('a', NOW - 60 * H)], 48, ['z', 'a']],
    ['nobody', [], 48, []],
  ] as [string, AbsenceCandidate[], number, string[]][])('%s', (_what, candidates, hours, ids) => {
    expect(overdueResidents(candidates, hours, NOW).map((o) => o.residentId)).toEqual(ids);
  });

  it('says when the spell started and crossed the rule, and names the spell', () => {
    const last = Date.parse('2026-11-20T08:30:00.123Z');
    expect(overdueResidents([c('sc-00001-r007', last)], 48, NOW)).toEqual([
      {
        residentId: 'sc-00001-r007',
        eventId: 'absence:sc-00001-r007:2026-11-20T08:30:00.123Z',
        sinceMs: last,
        dueMs: last + 48 * H,
      },
    ]);
    expect(overdueResidents([c('r', null)], 48, NOW)).toEqual([
      { residentId: 'r', eventId: 'absence:r:never', sinceMs: REG, dueMs: REG + 48 * H },
    ]);
  });

  it('gives one event id per spell, whatever the time of the sweep or the rule', () => {
    const last = NOW - 60 * H;
    const ids = [NOW, NOW + H, NOW + 50 * H].flatMap((now) =>
      [24, 48].flatMap((h) => overdueResidents([c('r', last)], h, now).map((o) => o.eventId)),
    );
    expect(new Set(ids)).toEqual(new Set([absenceEventId('r', last)]));
    expect(absenceEventId('r', last + 1)).not.toBe(absenceEventId('r', last));
  });
});

describe('the absence rule', () => {
  const base = {
    id: 'resident-absence',
    kind: 'absence',
    name: '独居老人长时间无出入',
    eventTypes: ['resident_absence'],
    priority: 2,
    actions: ['grid_worker'],
    enabled: true,
  };
  it.each([
    ['the default', base, true, 48],
    ['24 hours', { ...base, hours: 24 }, true, 24],
    ['1 hour', { ...base, hours: 1 }, true, 1],
    ['720 hours', { ...base, hours: 720 }, true, 720],
    ['0 hours', { ...base, hours: 0 }, false, null],
    ['721 hours', { ...base, hours: 721 }, false, null],
    ['1.5 hours', { ...base, hours: 1.5 }, false, null],
    ['hours as text', { ...base, hours: '48' }, false, null],
    ['an unknown field', { ...base, hours: 48, zoneKinds: ['community'] }, false, null],
    ['no event types', { ...base, eventTypes: [] }, false, null],
  ] as [string, unknown, boolean, number | null][])('%s', (_what, input, ok, hours) => {
    const r = ruleSchema.safeParse(input);
    expect(r.success).toBe(ok);
    if (ok && r.data?.kind === 'absence') expect(r.data.hours).toBe(hours);
  });

  it('is in the default set: 48 h, priority 2, for the grid workers', () => {
    // One alarm per absence spell already (its event id): nothing to fold.
    expect(DEFAULT_ABSENCE_RULE).toEqual({ ...base, hours: 48, foldMinutes: 0 });
    expect(DEFAULT_RULES.filter((r) => r.kind === 'absence')).toEqual([DEFAULT_ABSENCE_RULE]);
    for (const r of DEFAULT_RULES) expect(ruleSchema.parse(r)).toEqual(r);
  });

  it('is left to the sweep by evaluate, whatever event comes in', () => {
    const rules: Rule[] = [{ ...DEFAULT_ABSENCE_RULE, eventTypes: ['resident_absence', 'face_access'] }];
    const world = { zones: createZoneIndex([]), facilityKind: () => undefined };
    for (const type of ['resident_absence', 'face_access'] as const) {
      expect(
        evaluate(
          { type, at: new Date(NOW).toISOString(), position: [115.88, 28.68], gridCode: '360102001001001' },
          rules,
          world,
        ),
      ).toEqual([]);
    }
  });
});

describe('maskName', () => {
  it.each([
    ['熊建华', '熊*华'],
    ['张华', '张*'],
    ['欧阳建国', '欧**国'],
    ['王', '王'],
  ])('%s → %s', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });
});

describe('demo city residents', () => {
  const city = generateDemoCity({ scale: 'small', seed: 7 });
  const communities = new Map(city.smartCommunities.map((c) => [c.id, c]));

  it('pass the shared schema, with unique ids, masked names, at home inside their compound', () => {
    expect(() => z.array(resident).parse(city.residents)).not.toThrow();
    expect(new Set(city.residents.map((r) => r.id)).size).toBe(city.residents.length);
    for (const r of city.residents) {
      const sc = communities.get(r.communityId)!;
      expect(r.gridCode).toBe(sc.gridCode);
      expect(r.name).toMatch(/^\p{Script=Han}\*+\p{Script=Han}?$/u);
      expect(pointInPolygon(r.position[0], r.position[1], sc.boundary), r.id).toBe(true);
    }
  });

  it('a small city stays small: 10-60 a compound, some 5-8 % living alone', () => {
    expect(city.residents.length).toBeGreaterThan(300);
    expect(city.residents.length).toBeLessThan(1_000);
    const per = new Map<string, number>();
    for (const r of city.residents) per.set(r.communityId, (per.get(r.communityId) ?? 0) + 1);
    expect(per.size).toBe(city.smartCommunities.length);
    expect(Math.min(...per.values())).toBeGreaterThanOrEqual(10);
    expect(Math.max(...per.values())).toBeLessThanOrEqual(60);
    const share = city.residents.filter((r) => r.livingAlone).length / city.residents.length;
    expect(share).toBeGreaterThanOrEqual(0.05);
    expect(share).toBeLessThanOrEqual(0.08);
  });

  it('are the same when made again from the stored compounds (a database seeded before residents existed)', () => {
    expect(generateResidents({ scale: 'small', seed: 7 }, city.smartCommunities)).toEqual(city.residents);
  });

  it('living alone, each has one access event 0-50 h before the seed, at a gate of their compound', () => {
    const seed = NOW;
    const access = generateSeedAccess({ scale: 'small', seed: 7 }, city.residents, city.smartCommunities, seed);
    const alone = city.residents.filter((r) => r.livingAlone);
    expect(access.map((a) => a.residentId)).toEqual(alone.map((r) => r.id));
    for (const a of access) {
      const r = alone.find((x) => x.id === a.residentId)!;
      const sc = communities.get(r.communityId)!;
      expect(a.id).toBe(`seed-access-${r.id}`);
      expect(sc.gates.map((g) => g.id)).toContain(a.gateId);
      expect(a.gridCode).toBe(sc.gridCode);
      expect(a.at).toBeLessThanOrEqual(seed);
      expect(a.at).toBeGreaterThan(seed - SEED_ACCESS_MAX_AGE_MS);
    }
    // Some are overdue at the start under the default 48 h, most are not.
    const overdue = access.filter((a) => a.at <= seed - 48 * H).length;
    expect(overdue).toBeGreaterThan(0);
    expect(overdue).toBeLessThan(access.length / 2);
    // The same offsets whenever the city is seeded.
    const later = generateSeedAccess({ scale: 'small', seed: 7 }, city.residents, city.smartCommunities, seed + 5 * H);
    expect(later.map((a) => a.at - (seed + 5 * H))).toEqual(access.map((a) => a.at - seed));
  });
});

describe('ABSENCE_SWEEP_MS', () => {
  it.each([
    [{}, 60_000],
    [{ ABSENCE_SWEEP_MS: '' }, 60_000],
    [{ ABSENCE_SWEEP_MS: '0' }, 0],
    [{ ABSENCE_SWEEP_MS: '5000' }, 5_000],
  ] as [Record<string, string>, number][])('%o → %d ms', (env, ms) => {
    expect(loadConfig(env).absenceSweepMs).toBe(ms);
  });
  it.each(['-1', '1.5', 'often', '86400001'])('refuses %s, naming the variable', (v) => {
    expect(() => loadConfig({ ABSENCE_SWEEP_MS: v })).toThrow(ConfigError);
    expect(() => loadConfig({ ABSENCE_SWEEP_MS: v })).toThrow(/^invalid setting ABSENCE_SWEEP_MS/);
  });
});
