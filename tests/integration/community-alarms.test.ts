/**
 * Community zones (issue 15), on both backends: each smart community's compound is a `community`
 * zone of the demo city, so what its cameras and people report inside it raises the community
 * rules' alarms (e-bike in a lift, high-altitude throw, a stranger at night), and the same event
 * outside every compound raises none. Then a database seeded with the earlier default rules: the
 * unedited ones become the calibrated ones at start, an admin's edit stays; and one seeded without
 * community zones gets them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '@server/db/connect';
import { apiFetch, backends, startHub, testConfig } from './helpers';
import type { Hub } from '@server/app';
import { generateDemoCity } from '@server/demo';
import { pointInPolygon } from '@server/demo/geo';
import { createZoneIndex } from '@server/rules/zone-index';
import { PREVIOUS_DEFAULT_RULES } from '@server/rules/rules';
import { alarmSyncReply, type AlarmView } from '@shared/alarms';
import { ingestReply, type EventInput, type EventType } from '@shared/ingest';
import type { Rule } from '@shared/rules';

const API = '/api/v1';
const KEY = 'community-test-key-0123456789';
const DAY = '2026-03-02T15:00:00+08:00';
const NIGHT = '2026-03-03T01:30:00+08:00';

describe.each(backends)('community alarms on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  const city = generateDemoCity({ scale: 'small', seed: 7 });
  const zones = createZoneIndex(city.zones);
  // A compound with a camera of its own inside it.
  const { sc, camera } = (() => {
    for (const s of city.smartCommunities) {
      const cam = city.cameras.find(
        (c) => c.kind === 'community' && pointInPolygon(c.position[0], c.position[1], s.boundary),
      );
      if (cam) return { sc: s, camera: cam };
    }
    throw new Error('no compound with a camera');
  })();
  // Reports come from another compound: repeats of a rule in one zone fold into its open alarm.
  const reported = city.smartCommunities.find((s) => s.id !== sc.id)!;
  // A grid centre in no zone at all (no compound, circle or fence).
  const outside = city.regions.find((r) => r.level === 'grid' && zones.containing(r.center).length === 0)!.center;
  let n = 0;
  const post = async (events: EventInput[]) => {
    const res = await fetch(`${url}${API}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBe(202);
    expect(ingestReply.parse(await res.json())).toMatchObject({ accepted: events.length, rejected: [] });
  };
  const openAlarms = async (): Promise<AlarmView[]> =>
    alarmSyncReply.parse(await (await apiFetch(`${url}${API}/alarms`)).json()).alarms;

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    ({ hub, url } = await startHub(
      testConfig({
        ...p.config,
        auth: {
          demoPassword: 'test-pass-2026',
          ingestApiKey: KEY,
          rateLimits: { userPerMin: 1e6, addressPerMin: 1e6, loginPer15Min: 1e6 },
        },
      }),
    ));
  });
  afterAll(async () => {
    await hub?.close();
    await cleanup?.();
  });

  it('stores a community zone per compound', async () => {
    const stored = await hub.services().repositories.world.zones();
    const community = stored.filter((z) => z.kind === 'community');
    expect(community).toHaveLength(city.smartCommunities.length);
    expect(community.find((z) => z.id === `zone-${sc.id}`)?.shape).toEqual({ type: 'polygon', polygon: sc.boundary });
  });

  it.each([
    { what: "an e-bike in a lift (the compound's camera)", type: 'ebike_in_lift', at: DAY, rule: 'community-ebike' },
    { what: 'a high-altitude throw (camera)', type: 'high_throw', at: DAY, rule: 'community-high-throw' },
    { what: 'a stranger at night (camera)', type: 'stranger', at: NIGHT, rule: 'community-night-stranger' },
    { what: "a grid worker's e-bike report", type: 'ebike_violation', at: DAY, rule: 'community-ebike', report: true },
    { what: "a citizen's high-throw report", type: 'high_throw', at: DAY, rule: 'community-high-throw', report: true },
  ] as { what: string; type: EventType; at: string; rule: string; report?: boolean }[])(
    '$what: an alarm inside the compound, none outside',
    async ({ type, at, rule, report }) => {
      const inside = `c-${++n}`;
      const away = `c-${++n}`;
      const where = report
        ? { source: 'grid_worker' as const, location: { lon: reported.center[0], lat: reported.center[1] } }
        : { source: 'camera' as const, deviceId: camera.id };
      await post([
        { id: inside, type, at, ...where },
        { id: away, type, at, source: where.source, location: { lon: outside[0], lat: outside[1] } },
      ]);
      const alarms = await openAlarms();
      const mine = alarms.filter((a) => a.event.id === inside && a.rule.id.startsWith('community-'));
      expect(mine.map((a) => ({ rule: a.rule.id, priority: a.priority, zone: a.zone?.id }))).toEqual([
        { rule, priority: 3, zone: `zone-${(report ? reported : sc).id}` },
      ]);
      expect(alarms.filter((a) => a.event.id === away)).toEqual([]);
    },
  );

  it('raises nothing for a stranger in the compound by day', async () => {
    const id = `c-${++n}`;
    await post([{ id, type: 'stranger', at: DAY, source: 'camera', deviceId: camera.id }]);
    expect((await openAlarms()).filter((a) => a.event.id === id && a.rule.id.startsWith('community-'))).toEqual([]);
  });

  it('brings unedited earlier default rules up to date at start, keeps edited ones', async () => {
    const { alarms, repositories } = hub.services();
    const old = (id: string) => PREVIOUS_DEFAULT_RULES.find((r) => r.id === id)!;
    // As a database seeded before issue 15 holds them: the old smoke rule as seeded, the crowd rule edited.
    const edited: Rule = { ...old('crowd-landmark'), name: '地标聚集（已调整）' };
    await repositories.alarms.putRule('smoke-anywhere-zone', old('smoke-anywhere-zone'));
    await repositories.alarms.putRule('crowd-landmark', edited);
    await alarms.ensureRules();
    const stored = new Map((await repositories.alarms.rules()).map((r) => [r.id, r.definition as Rule]));
    expect(stored.get('smoke-anywhere-zone')).toMatchObject({ priority: 2, eventTypes: ['smoke'], expireMinutes: 60 });
    expect(stored.get('crowd-landmark')).toEqual(edited);
    expect(stored.get('smoke-school-hospital')).toMatchObject({ priority: 1 });
    // The next event is judged by the rules as they are now: smoke by a compound's camera is priority 2.
    const id = `c-${++n}`;
    await post([{ id, type: 'smoke', at: DAY, source: 'camera', deviceId: camera.id }]);
    const smoke = (await openAlarms()).filter((a) => a.event.id === id);
    expect(smoke.map((a) => [a.rule.id, a.priority])).toEqual([['smoke-anywhere-zone', 2]]);
  });

  it('gives a city seeded before community zones its zones at the next start', async () => {
    const { database, world, repositories } = hub.services();
    await queryRows(database.db, sql`delete from zones where kind = 'community'`);
    expect((await repositories.world.zones()).some((z) => z.kind === 'community')).toBe(false);
    await world.ensureSeeded(database.db, { scale: 'small', seed: 7 });
    const again = (await repositories.world.zones()).filter((z) => z.kind === 'community');
    expect(again.map((z) => z.id).sort()).toEqual(city.smartCommunities.map((c) => `zone-${c.id}`).sort());
    // Once: a second start adds nothing.
    await world.ensureSeeded(database.db, { scale: 'small', seed: 7 });
    expect((await repositories.world.zones()).filter((z) => z.kind === 'community')).toHaveLength(again.length);
  });
});
