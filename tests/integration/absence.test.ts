/**
 * The absence rule end to end (issue 5), on both backends and a hand-moved clock: a resident
 * living alone with no access event for 49 h raises one alarm (resident_absence, rule
 * resident-absence, priority 2, for the grid workers of the resident's grid) that reaches the
 * screens of the resident's district only; a second sweep, or a second sweeper at the same time,
 * raises nothing more; an access posted through the API starts a new spell (47 h: nothing, 49 h: a
 * new alarm); residents not living alone never raise one; a disabled rule raises nothing; a rule of
 * 24 h fires at 25 h. A database seeded before residents existed gets them, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { sql } from 'drizzle-orm';
import { backends, signIn, testConfig, TEST_PASSWORD } from './helpers';
import { createApp, type Hub } from '@server/app';
import { ManualClock } from '@server/core/clock';
import { queryRows, type Db } from '@server/db/connect';
import { generateDemoCity } from '@server/demo';
import { AbsenceService } from '@server/services/absence.service';
import { ResidentRepository } from '@server/repositories/resident.repository';
import { EventRepository } from '@server/repositories/event.repository';
import { AlarmRepository } from '@server/repositories/alarm.repository';
import type { AlarmView } from '@shared/alarms';
import { ingestReply, type EventInput } from '@shared/ingest';
import { ScreenSocket, until } from './screen';

const API = '/api/v1';
const KEY = 'absence-test-key-0123456789';
const H = 3_600_000;
const T0 = Date.parse('2026-03-01T04:00:00Z');

describe.each(backends)('absence rule on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  let db: Db;
  const clock = new ManualClock(T0);
  const screens: ScreenSocket[] = [];

  const city = generateDemoCity({ scale: 'small', seed: 7 });
  // Grid workers on duty (not offline) by grid: who a 'grid_worker' alarm goes to.
  const workers = new Map<string, string[]>();
  for (const u of city.units)
    if (u.kind === 'grid_worker' && u.status !== 'offline')
      workers.set(u.homeRegionCode, [...(workers.get(u.homeRegionCode) ?? []), u.id]);
  // A resident of a compound whose grid has a grid worker; the community flags them as living alone below.
  const resident = city.residents.find((r) => workers.has(r.gridCode))!;
  const other = city.residents.find((r) => !r.livingAlone && r.id !== resident.id)!;
  const community = city.smartCommunities.find((c) => c.id === resident.communityId)!;
  const district = resident.gridCode.slice(0, 6);
  const otherDistrict = ['360102', '360103', '360113'].find((d) => d !== district)!;

  let n = 0;
  const postAccess = async (residentId: string) => {
    const event: EventInput = {
      id: `acc-${++n}`,
      source: 'access',
      type: 'face_access',
      at: new Date(clock.now()).toISOString(),
      deviceId: community.gates[0]!.id,
      attributes: { residentId, match: 'resident', direction: 'in' },
    };
    const res = await fetch(`${url}${API}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify(event),
    });
    expect(ingestReply.parse(await res.json())).toMatchObject({ accepted: 1 });
    return event;
  };
  const sweep = () => hub.services().absence.sweep();
  const of = (alarms: AlarmView[], residentId: string) =>
    alarms.filter((a) => a.event.id.startsWith(`absence:${residentId}:`));
  const storedAlarms = async (residentId: string) =>
    (
      await queryRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from alarms where event_id like ${`absence:${residentId}:%`}`,
      )
    )[0]!.n;
  /** A signed-in screen's alarms (after the clock moved: sessions time out by the same clock). */
  const screen = async (username: string) => {
    const sc = new ScreenSocket(url, (await signIn(url, username, TEST_PASSWORD)).cookie);
    screens.push(sc);
    await sc.ready();
    await sc.syncAlarms(null);
    return sc.alarms;
  };
  const putRule = async (patch: Record<string, unknown>) => {
    const admin = await signIn(url, 'admin', TEST_PASSWORD);
    const rules = (await (await admin.fetch(`${url}${API}/rules`)).json()) as { rules: { id: string }[] };
    const rule = rules.rules.find((r) => r.id === 'resident-absence')!;
    const res = await admin.fetch(`${url}${API}/rules/resident-absence`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...rule, ...patch }),
    });
    expect(res.status).toBe(200);
  };

  beforeAll(async () => {
    const p = await backend.provision();
    cleanup = p.cleanup;
    hub = createApp(
      testConfig({
        ...p.config,
        absenceSweepMs: 0,
        auth: {
          demoPassword: TEST_PASSWORD,
          ingestApiKey: KEY,
          rateLimits: { userPerMin: 1e6, addressPerMin: 1e6, loginPer15Min: 1e6 },
        },
      }),
      { logger: pino({ level: 'silent' }), clock },
    );
    const addr = await hub.listen();
    await hub.ready;
    url = `http://127.0.0.1:${addr.port}`;
    db = hub.services().database.db;
    expect(resident).toBeDefined();
    if (!resident.livingAlone)
      await db.execute(sql`update residents set living_alone = true where id = ${resident.id}`);
  });
  afterAll(async () => {
    for (const s of screens) s.socket.disconnect();
    await hub?.close();
    await cleanup?.();
  });

  it('seeds the residents and the living-alone ones’ last access before the seed', async () => {
    const [counts] = await queryRows<{ residents: number; alone: number; seeded: number; oldest: number }>(
      db,
      sql`select (select count(*)::int from residents) as residents,
                 (select count(*)::int from residents where living_alone) as alone,
                 (select count(*)::int from events where id like 'seed-access-%') as seeded,
                 (select floor(extract(epoch from min(at)) * 1000)::float8 from events where id like 'seed-access-%') as oldest`,
    );
    expect(counts!.residents).toBe(city.residents.length);
    expect(counts!.alone).toBe(city.residents.filter((r) => r.livingAlone).length + (resident.livingAlone ? 0 : 1));
    expect(counts!.seeded).toBe(city.residents.filter((r) => r.livingAlone).length);
    expect(Number(counts!.oldest)).toBeGreaterThanOrEqual(T0 - 60 * H);
    // Nothing is overdue before 48 h have passed for anyone... except those whose seed access is older.
    const early = await sweep();
    expect(of(early, resident.id)).toEqual([]);
    expect(early.every((a) => a.event.type === 'resident_absence')).toBe(true);
  });

  it('49 h with no access: one alarm for the grid workers of the resident’s grid, on the screens of its district only', async () => {
    clock.advance(49 * H);
    const mine = await screen(`dispatcher-${district}`);
    const theirs = await screen(`dispatcher-${otherDistrict}`);
    const raised = await sweep();
    const [alarm, ...more] = of(raised, resident.id);
    expect(more).toEqual([]);
    expect(alarm).toMatchObject({
      event: { source: 'access', type: 'resident_absence' },
      rule: { id: 'resident-absence', name: '独居老人长时间无出入' },
      priority: 2,
      status: 'new',
      gridCode: resident.gridCode,
      position: resident.position,
      actions: ['grid_worker'],
    });
    expect(alarm!.unitIds.length).toBeGreaterThan(0);
    expect([...alarm!.unitIds].sort()).toEqual([...workers.get(resident.gridCode)!].sort());
    // Never seen at a gate: counted from registration (the seed), and named so.
    expect(alarm!.event.id).toBe(`absence:${resident.id}:never`);
    await until(() => mine.has(alarm!.id));
    await new Promise((r) => setTimeout(r, 200));
    expect(theirs.has(alarm!.id)).toBe(false);
    const [stored] = await queryRows<{ attributes: Record<string, unknown>; grid_code: string }>(
      db,
      sql`select attributes, grid_code from events where source = 'access' and id = ${alarm!.event.id}`,
    );
    expect(stored).toEqual({
      grid_code: resident.gridCode,
      attributes: {
        residentId: resident.id,
        residentName: resident.name,
        communityId: resident.communityId,
        lastAccessAt: null,
        hours: 48,
      },
    });
    // Residents not living alone never raise one.
    expect(of(raised, other.id)).toEqual([]);
  });

  it('a second sweep, or two sweepers at once, raise nothing more for the same spell', async () => {
    expect(of(await sweep(), resident.id)).toEqual([]);
    clock.advance(H);
    // A second sweeper on the same database, with transactions of its own (as another hub would).
    const { alarms } = hub.services();
    const second = new AbsenceService(
      new ResidentRepository(db),
      new EventRepository(db),
      new AlarmRepository(db),
      alarms,
      (fn) => db.transaction((tx) => fn(tx as unknown as Db)),
      clock,
      pino({ level: 'silent' }),
    );
    const both = await Promise.all([sweep(), second.sweep()]);
    expect(of(both.flat(), resident.id)).toEqual([]);
    // Other residents may fall due in that hour: each spell's alarm comes from one sweeper only.
    const keys = both.flat().map((a) => `${a.event.id} ${a.rule.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(await storedAlarms(resident.id)).toBe(1);
  });

  it('an access starts a new spell: 47 h later nothing, 49 h later a new alarm', async () => {
    const access = await postAccess(resident.id);
    clock.advance(47 * H);
    expect(of(await sweep(), resident.id)).toEqual([]);
    clock.advance(2 * H);
    const [alarm, ...more] = of(await sweep(), resident.id);
    expect(more).toEqual([]);
    expect(alarm!.event.id).toBe(`absence:${resident.id}:${access.at}`);
    expect(alarm!.event.at).toBe(new Date(Date.parse(access.at) + 48 * H).toISOString());
    expect(await storedAlarms(resident.id)).toBe(2);
    expect(await storedAlarms(other.id)).toBe(0);
  });

  it('a disabled rule raises nothing', async () => {
    await putRule({ enabled: false });
    await postAccess(resident.id);
    clock.advance(49 * H);
    expect(await sweep()).toEqual([]);
    expect(await storedAlarms(resident.id)).toBe(2);
  });

  it('a rule of 24 h fires at 25 h, not at 23 h', async () => {
    await postAccess(resident.id);
    await putRule({ enabled: true, hours: 24 });
    clock.advance(23 * H);
    expect(of(await sweep(), resident.id)).toEqual([]);
    clock.advance(2 * H);
    const mine = await screen(`dispatcher-${district}`);
    const [alarm] = of(await sweep(), resident.id);
    expect(alarm).toMatchObject({ rule: { id: 'resident-absence' }, priority: 2 });
    await until(() => mine.has(alarm!.id));
    expect(await storedAlarms(resident.id)).toBe(3);
    expect(await storedAlarms(other.id)).toBe(0);
  });

  it('a database seeded before residents existed gets them (and the last access of those living alone), once', async () => {
    await db.execute(sql`delete from events where id like 'seed-access-%'`);
    await db.execute(sql`delete from residents`);
    const { world } = hub.services();
    for (let i = 0; i < 2; i++) await world.ensureSeeded(db, { scale: 'small', seed: 7 });
    const [counts] = await queryRows<{ residents: number; seeded: number; latest: number }>(
      db,
      sql`select (select count(*)::int from residents) as residents,
                 (select count(*)::int from events where id like 'seed-access-%') as seeded,
                 (select floor(extract(epoch from max(registered_at)) * 1000)::float8 from residents) as latest`,
    );
    expect(counts!.residents).toBe(city.residents.length);
    expect(counts!.seeded).toBe(city.residents.filter((r) => r.livingAlone).length);
    expect(Number(counts!.latest)).toBe(clock.now());
  });
});
