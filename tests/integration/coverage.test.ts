/**
 * Coverage gaps end to end (issue 17), on both backends and a hand-moved clock: with the coverage
 * rule checking fire at a tight threshold, a fire unit going busy makes the grids it alone
 * covered gaps; after the rule's hold each district with gap grids gets ONE alarm (coverage_gap,
 * the rule's priority, at one of its gap grids, counting them, proposing the nearest fire units),
 * a second sweep or a second hub's sweeper raises nothing more; more grids of that district
 * lacking fire add to its alarm's count; the unit back on duty closes the spells and clears the
 * alarms; going busy again is a new spell. GET /coverage and /coverage/gaps show a district only
 * its own grids.
 * The rule's bad input is a 400 naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { sql } from 'drizzle-orm';
import { backends, signIn, testConfig, TEST_PASSWORD } from './helpers';
import { createApp, type Hub } from '@server/app';
import { ManualClock } from '@server/core/clock';
import { queryRows, type Db } from '@server/db/connect';
import { generateDemoCity } from '@server/demo';
import { CoverageMap } from '@server/rules/coverage';
import { CoverageService } from '@server/services/coverage.service';
import { coverageGapsReply, coverageReply } from '@shared/coverage';
import { COVERAGE_RULE_ID, type CoverageRule } from '@shared/rules';
import { DEFAULT_COVERAGE_RULE } from '@server/rules/default-rules';

const API = '/api/v1';
const T0 = Date.parse('2026-03-01T04:00:00Z');

describe.each(backends)('coverage gaps on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  let db: Db;
  const clock = new ManualClock(T0);
  const city = generateDemoCity({ scale: 'small', seed: 7 });
  const grids = city.regions
    .filter((r) => r.level === 'grid')
    .map((r) => ({ code: r.code, lon: r.center[0], lat: r.center[1] }));
  const fire = city.units.filter((u) => u.kind === 'fire' && u.status === 'available');
  const busyUnit = fire[0]!;

  /** The grids that are fire gaps at this threshold while `busy` is off duty (the test's own map). */
  const expectedGaps = (threshold: number, busy: string | null): string[] => {
    const m = new CoverageMap(grids);
    for (const u of city.units)
      m.update({
        id: u.id,
        kind: u.kind,
        lon: u.position[0],
        lat: u.position[1],
        available: u.status === 'available' && u.id !== busy,
      });
    m.setThresholds('fire', () => threshold);
    return [...m.gaps()].map((g) => grids[g.grid]!.code).sort();
  };
  // A threshold at which all grids are covered with every unit on duty, and some are not without busyUnit.
  const THRESHOLD = (() => {
    for (let t = 3; t < 30; t += 0.5)
      if (expectedGaps(t, null).length === 0 && expectedGaps(t, busyUnit.id).length > 0) return t;
    throw new Error('no threshold separates the two');
  })();

  const rule: CoverageRule = {
    ...DEFAULT_COVERAGE_RULE,
    thresholds: { fire: THRESHOLD },
    areas: [],
    holdSeconds: 60,
    priority: 2,
  };
  const putRule = async (body: unknown) => {
    const admin = await signIn(url, 'admin', TEST_PASSWORD);
    return admin.fetch(`${url}${API}/rules/${COVERAGE_RULE_ID}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  };
  const setStatus = async (status: 'available' | 'busy') => {
    await db.execute(sql`update units set status = ${status}, updated_at = now() where id = ${busyUnit.id}`);
    clock.advance(3_000); // past the unit index's refresh interval
  };
  const gapAlarms = () =>
    queryRows<{
      id: string;
      status: string;
      grid_code: string;
      priority: number;
      unit_ids: string[];
      event_id: string;
    }>(
      db,
      sql`select id, status, grid_code, priority, unit_ids, event_id from alarms where event_type = 'coverage_gap' order by grid_code, created_at`,
    );
  const sweep = () => hub.services().coverage.sweep();

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    hub = createApp(testConfig({ ...p.config }), { logger: pino({ level: 'silent' }), clock });
    const addr = await hub.listen();
    await hub.ready;
    url = `http://127.0.0.1:${addr.port}`;
    db = hub.services().database.db;
  });
  afterAll(async () => {
    await hub?.close();
    await cleanup?.();
  });

  it('the default rule is seeded and at rest the demo city has no gap', async () => {
    const admin = await signIn(url, 'admin', TEST_PASSWORD);
    const rules = (await (await admin.fetch(`${url}${API}/rules`)).json()) as { rules: { id: string; kind: string }[] };
    expect(rules.rules.find((r) => r.id === COVERAGE_RULE_ID)?.kind).toBe('coverage');
    expect(await sweep()).toEqual([]);
    clock.advance(200_000);
    expect(await sweep()).toEqual([]);
    expect(await gapAlarms()).toEqual([]);
  });

  it('a unit going busy opens gaps that raise once per spell after the hold, and clear when it is back', async () => {
    expect((await putRule(rule)).status).toBe(200);
    const expected = expectedGaps(THRESHOLD, busyUnit.id);
    await setStatus('busy');
    expect(await sweep()).toEqual([]); // a gap, but not for the hold yet
    clock.advance(30_000);
    expect(await sweep()).toEqual([]);
    clock.advance(31_000);
    const raised = await sweep();
    // One alarm per district, at one of its gap grids, counting them all.
    const byDistrict = new Map<string, string[]>();
    for (const g of expected) byDistrict.set(g.slice(0, 6), [...(byDistrict.get(g.slice(0, 6)) ?? []), g]);
    expect(raised.map((a) => a.gridCode.slice(0, 6)).sort()).toEqual([...byDistrict.keys()].sort());
    for (const a of raised) {
      const mine = byDistrict.get(a.gridCode.slice(0, 6))!;
      expect(mine).toContain(a.gridCode);
      expect(a.count).toBe(mine.length);
      expect(a).toMatchObject({ status: 'new', priority: 2, rule: { id: COVERAGE_RULE_ID } });
      expect(a.event.type).toBe('coverage_gap');
      // The nearest fire units on duty, however far: never the busy one.
      expect(a.unitIds.length).toBeGreaterThan(0);
      expect(a.unitIds).not.toContain(busyUnit.id);
    }
    // Once per spell: later sweeps, and another hub's sweeper over the same database, raise nothing.
    clock.advance(10_000);
    expect(await sweep()).toEqual([]);
    const c = hub.services();
    const other = new CoverageService(
      c.repositories.coverage,
      c.repositories.events,
      c.repositories.alarms,
      c.alarms,
      c.incidents.units,
      (fn) => c.database.db.transaction(fn),
      clock,
      pino({ level: 'silent' }),
    );
    expect(await other.sweep()).toEqual([]); // its own gaps are not held yet
    clock.advance(61_000);
    expect(await other.sweep()).toEqual([]); // held, but open already
    expect((await gapAlarms()).length).toBe(byDistrict.size);

    // The scope: a district dispatcher reads only its own grids and gaps.
    const district = expected[0]!.slice(0, 6);
    const dispatcher = await signIn(url, `dispatcher-${district}`, TEST_PASSWORD);
    const view = coverageReply.parse(await (await dispatcher.fetch(`${url}${API}/coverage`)).json());
    expect(view.grids.length).toBeGreaterThan(0);
    expect(view.grids.every((g) => g.startsWith(district))).toBe(true);
    expect(view.gaps.map((g) => g.gridCode).sort()).toEqual(expected.filter((g) => g.startsWith(district)));
    expect(view.gaps.every((g) => g.need === 'fire' && g.thresholdMin === THRESHOLD)).toBe(true);
    expect(view.etaMin.fire).toHaveLength(view.grids.length);
    const gapsOnly = coverageGapsReply.parse(await (await dispatcher.fetch(`${url}${API}/coverage/gaps`)).json());
    expect(gapsOnly.gaps).toEqual(view.gaps);

    // Back on duty: every spell closes and its alarm is cleared (by the system).
    await setStatus('available');
    const cleared = await sweep();
    expect(cleared.map((a) => a.id).sort()).toEqual(raised.map((a) => a.id).sort());
    expect(cleared.every((a) => a.status === 'cleared' && a.handledBy === 'system')).toBe(true);
    const admin = await signIn(url, 'admin', TEST_PASSWORD);
    expect(coverageReply.parse(await (await admin.fetch(`${url}${API}/coverage`)).json()).gaps).toEqual([]);

    // Busy again: a new spell, new alarms.
    await setStatus('busy');
    await sweep();
    clock.advance(61_000);
    expect((await sweep()).length).toBe(byDistrict.size);
    const all = await gapAlarms();
    expect(all.length).toBe(2 * byDistrict.size);
    expect(new Set(all.map((a) => a.event_id)).size).toBe(all.length);
    await setStatus('available');
    await sweep();
  });

  it("more grids of a district lacking the need add to its alarm's count; it clears when the last is back", async () => {
    // A tighter time after the alarm: more grids lack fire, some in a district already in alarm.
    const tighter = (() => {
      const first = expectedGaps(THRESHOLD, busyUnit.id);
      const districts = new Set(first.map((g) => g.slice(0, 6)));
      for (let t = THRESHOLD - 0.5; t > 1; t -= 0.5) {
        const more = expectedGaps(t, busyUnit.id).filter((g) => !first.includes(g));
        if (more.some((g) => districts.has(g.slice(0, 6)))) return t;
      }
      return null;
    })();
    expect(tighter, 'a tighter time that adds grids to a district in alarm').not.toBeNull();
    if (tighter === null) return;
    expect((await putRule(rule)).status).toBe(200);
    await setStatus('busy');
    await sweep();
    clock.advance(61_000);
    const first = await sweep();
    const before = new Map(first.map((a) => [a.gridCode.slice(0, 6), a]));
    expect((await putRule({ ...rule, thresholds: { fire: tighter } })).status).toBe(200);
    await sweep();
    clock.advance(61_000);
    const changed = await sweep();
    const all = expectedGaps(tighter, busyUnit.id);
    for (const [district, a] of before) {
      const grown = changed.find((c) => c.id === a.id);
      const n = all.filter((g) => g.startsWith(district)).length;
      if (n > a.count) expect(grown?.count).toBe(n);
      else expect(grown).toBeUndefined();
    }
    // Districts not in alarm before get their own.
    for (const c of changed) if (!before.has(c.gridCode.slice(0, 6))) expect(c.count).toBeGreaterThan(0);
    expect((await gapAlarms()).filter((a) => a.status === 'new').length).toBe(
      new Set(all.map((g) => g.slice(0, 6))).size,
    );
    // Back on duty (and the rule as it was): every district's alarm clears at once.
    expect((await putRule(rule)).status).toBe(200);
    await setStatus('available');
    await sweep();
    expect((await gapAlarms()).filter((a) => a.status === 'new')).toEqual([]);
  });

  it('a disabled rule closes what is open and raises nothing', async () => {
    await setStatus('busy');
    await sweep();
    clock.advance(61_000);
    expect((await sweep()).length).toBeGreaterThan(0);
    expect((await putRule({ ...rule, enabled: false })).status).toBe(200);
    const cleared = await sweep();
    expect(cleared.length).toBeGreaterThan(0);
    expect(cleared.every((a) => a.status === 'cleared')).toBe(true);
    clock.advance(61_000);
    expect(await sweep()).toEqual([]);
    await setStatus('available');
    expect((await putRule(rule)).status).toBe(200);
  });

  it("the rule's bad input is a 400 naming the field", async () => {
    const cases: [unknown, string][] = [
      [{ ...rule, thresholds: { fire: 0 } }, 'thresholds.fire'],
      [{ ...rule, thresholds: { fire: 'soon' } }, 'thresholds.fire'],
      [{ ...rule, thresholds: { ambulance: 5 } }, 'thresholds'],
      [{ ...rule, areas: [{ regionCode: '360199', thresholds: { fire: 5 } }] }, 'areas.0.regionCode'],
      [{ ...rule, areas: [{ regionCode: '36\u0000', thresholds: {} }] }, 'areas.0.regionCode'],
      [
        {
          ...rule,
          areas: [
            { regionCode: '360102', thresholds: {} },
            { regionCode: '360102', thresholds: {} },
          ],
        },
        'areas.1.regionCode',
      ],
      [{ ...rule, holdSeconds: -1 }, 'holdSeconds'],
      [{ ...rule, eventTypes: ['smoke'] }, 'eventTypes'],
    ];
    for (const [body, field] of cases) {
      const res = await putRule(body);
      const text = await res.text();
      expect(res.status, text).toBe(400);
      expect(text).toContain(field);
    }
    const admin = await signIn(url, 'admin', TEST_PASSWORD);
    const res = await admin.fetch(`${url}${API}/rules/other-coverage`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...rule, id: 'other-coverage' }),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('id');
  });
});
