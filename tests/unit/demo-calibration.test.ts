/**
 * The demo's calibration (issue 15): the simulator's event mix against the default rules at full
 * scale and the default rate, over a simulated day, gives the alarm rates a centre would accept:
 * fence intrusions a few an hour, one-key alarms rare, smoke priority 2 except at schools and
 * hospitals, and no priority flooding the desk. Then the upgrade of a database's rules seeded with
 * the earlier defaults (which it replaces, which it keeps).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { generateDemoCity } from '@server/demo';
import { createEventModel, simWorldFromCity } from '@server/simulator';
import { createZoneIndex } from '@server/rules/zone-index';
import { DEFAULT_RULES, evaluate, PREVIOUS_DEFAULT_RULES, upgradeRules, type Rule } from '@server/rules/rules';
import { sameJson } from '@server/rules/default-rules';
import { foldWindowMs, ruleSchema } from '@shared/rules';
import type { LonLat } from '@shared/world';

const HOURS = 24;
const RATE = 5; // SIMULATOR_RATE's default

/** Alarms per hour by rule and by priority, repeats folded as the hub folds them (no handling). */
let perRule: Map<string, number>;
let perPriority: Map<number, number>;
let events: Map<string, number>;

beforeAll(() => {
  const city = generateDemoCity({ scale: 'full', seed: 20260101 });
  const zones = createZoneIndex(city.zones);
  const facilityKind = new Map(city.facilities.map((f) => [f.id, f.kind]));
  const where = new Map<string, LonLat>([
    ...city.cameras.map((c) => [c.id, c.position] as const),
    ...city.facilities.map((f) => [f.id, f.position] as const),
  ]);
  const start = Date.parse('2026-03-02T00:00:00+08:00');
  const model = createEventModel(simWorldFromCity(city), { seed: 5, ratePerSec: RATE, startMs: start, runId: 'cal' });
  const last = new Map<string, number>();
  perRule = new Map();
  perPriority = new Map();
  events = new Map();
  for (const e of model.until(start + HOURS * 3_600_000)) {
    events.set(e.type, (events.get(e.type) ?? 0) + 1 / HOURS);
    const position = e.location ? ([e.location.lon, e.location.lat] as LonLat) : where.get(e.deviceId ?? '');
    if (!position) continue; // access events: no rule of the demo matches them
    const world = { zones, facilityKind: (id: string) => facilityKind.get(id) };
    for (const d of evaluate(
      { type: e.type, at: e.at, position, gridCode: '', deviceId: e.deviceId },
      DEFAULT_RULES,
      world,
    )) {
      const key = `${d.ruleId}|${d.zone?.id ?? e.deviceId}`;
      const t = Date.parse(e.at);
      const prev = last.get(key);
      last.set(key, t);
      if (prev !== undefined && t - prev <= (d.foldMs ?? 0)) continue;
      perRule.set(d.ruleId, (perRule.get(d.ruleId) ?? 0) + 1 / HOURS);
      perPriority.set(d.priority, (perPriority.get(d.priority) ?? 0) + 1 / HOURS);
    }
  }
  // A full city and a simulated day (~430k events): seconds on an idle core, more on a busy one.
}, 120_000);

describe('the default rules against the simulator at full scale (a day at the default rate)', () => {
  it('raises fence alarms a few times an hour', () => {
    expect(perRule.get('fence-intrusion')).toBeGreaterThan(2);
    expect(perRule.get('fence-intrusion')).toBeLessThan(8);
  });

  it('raises one-key alarms rarely (about one or two a day)', () => {
    expect(events.get('one_key_alarm') ?? 0).toBeLessThan(0.2);
    expect(perRule.get('one-key-alarm') ?? 0).toBeLessThan(0.2);
  });

  it('makes smoke priority 2, priority 1 only at a school or hospital (rarer)', () => {
    const p2 = perRule.get('smoke-anywhere-zone') ?? 0;
    const p1 = perRule.get('smoke-school-hospital') ?? 0;
    expect(p2).toBeGreaterThan(1);
    expect(p1).toBeGreaterThan(0);
    expect(p1).toBeLessThan(p2 / 3);
  });

  it('fires the community rules inside the compounds', () => {
    for (const id of ['community-ebike', 'community-high-throw', 'community-night-stranger'])
      expect(perRule.get(id) ?? 0, id).toBeGreaterThan(0.5);
  });

  it('keeps every priority at a pace the desks handle (priority 1 becomes an incident at once)', () => {
    expect(perPriority.get(1)).toBeGreaterThan(2);
    expect(perPriority.get(1)).toBeLessThan(10);
    expect(perPriority.get(2)).toBeLessThan(40);
    expect(perPriority.get(3)).toBeLessThan(40);
    // Every rule that fires at all fires well under once a minute.
    for (const [id, n] of perRule) expect(n, id).toBeLessThan(30);
  });
});

describe('the default rules themselves', () => {
  it('are valid as the API validates them, with a fold window each and expiry only below priority 1', () => {
    for (const r of DEFAULT_RULES) {
      expect(ruleSchema.safeParse(r).success, r.id).toBe(true);
      expect(r.foldMinutes, r.id).toBeDefined();
      if (r.priority === 1) expect(r.expireMinutes, r.id).toBeUndefined();
    }
    // Camera-AI rules of priority 2-3 expire; people's reports and absence never do.
    const expiring = DEFAULT_RULES.filter((r) => r.expireMinutes !== undefined).map((r) => r.id);
    expect(expiring).toContain('smoke-anywhere-zone');
    expect(expiring).toContain('community-ebike');
    expect(expiring).not.toContain('hospital-disturbance');
    expect(expiring).not.toContain('resident-absence');
    expect(foldWindowMs(DEFAULT_RULES.find((r) => r.id === 'resident-absence')!)).toBe(0);
  });
});

describe('upgrading a database seeded with the earlier defaults', () => {
  const stored = (rules: readonly Rule[]) => rules.map((r) => ({ id: r.id, definition: r }));
  const ids = (rules: Rule[]) => rules.map((r) => r.id).sort();

  it('replaces every unedited earlier default and adds the new ones', () => {
    const put = upgradeRules(stored(PREVIOUS_DEFAULT_RULES));
    const added = DEFAULT_RULES.filter((d) => !PREVIOUS_DEFAULT_RULES.some((p) => p.id === d.id)).map((r) => r.id);
    expect(added).toEqual(expect.arrayContaining(['smoke-school-hospital', 'community-night-stranger']));
    expect(ids(put)).toEqual(DEFAULT_RULES.map((r) => r.id).sort());
    // What it puts is the new default itself.
    expect(put.find((r) => r.id === 'smoke-anywhere-zone')).toMatchObject({ priority: 2, eventTypes: ['smoke'] });
  });

  it('keeps a rule an admin edited, and rules of their own', () => {
    const edited = PREVIOUS_DEFAULT_RULES.map((r) => (r.id === 'smoke-anywhere-zone' ? { ...r, enabled: false } : r));
    const own: Rule = { ...DEFAULT_RULES[0]!, id: 'my-rule', name: 'mine' };
    const put = upgradeRules([...stored(edited), ...stored([own])]);
    expect(ids(put)).not.toContain('smoke-anywhere-zone');
    expect(ids(put)).not.toContain('my-rule');
    expect(ids(put)).toContain('fence-intrusion');
  });

  it('finds an unedited rule whatever the key order of its stored JSON, and leaves current ones alone', () => {
    const reordered = PREVIOUS_DEFAULT_RULES.map((r) => ({
      id: r.id,
      definition: Object.fromEntries(Object.entries(r).reverse()),
    }));
    expect(ids(upgradeRules(reordered))).toEqual(DEFAULT_RULES.map((r) => r.id).sort());
    expect(upgradeRules(stored(DEFAULT_RULES))).toEqual([]);
    expect(sameJson({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe(false);
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
  });
});
