/**
 * The demo's simulated staff (issue 15) against a real hub of the small city, at a fast pace, on
 * both backends: a fence intrusion's priority-1 incident walked through to closed by them alone,
 * each step by whom it is due (the district's dispatcher, the units on their field accounts, a
 * grid worker of the street, the centre), units busy while on it and free after; a citizen's report
 * they make is rated and closed; an unhandled alarm is handled as their plan says. All through the
 * public API with the demo's accounts, which the hub opens sessions for (as main.ts does).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { sql } from 'drizzle-orm';
import { apiFetch, backends, signIn, startHub, testConfig, TEST_PASSWORD } from './helpers';
import { queryRows } from '@server/db/connect';
import type { Hub } from '@server/app';
import { HttpError } from '@server/core/http-errors';
import { generateDemoCity } from '@server/demo';
import { startStaff, type Staff } from '@server/simulator/staff-runner';
import { alarmMove } from '@server/simulator/staff-plan';
import { alarmSyncReply } from '@shared/alarms';
import { incidentDetail, incidentPage, unitLive, type IncidentDetail } from '@shared/incidents';
import type { EventInput } from '@shared/ingest';
import type { LonLat } from '@shared/world';
import { until } from './screen';

const API = '/api/v1';
const KEY = 'staff-test-key-0123456789';
const SEED = 3;

describe.each(backends)('simulated staff on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  let staff: Staff;
  let phonesMade: string[] = [];
  const city = generateDemoCity({ scale: 'small', seed: 7 });
  const fence = city.zones.find((z) => z.kind === 'railway' && z.shape.type === 'corridor')!;
  const onFence = (fence.shape as { line: LonLat[] }).line[0]!;
  const keyPerson = city.zones.find((z) => z.kind === 'key_person' && z.shape.type === 'circle')!;
  const post = async (events: EventInput[]) => {
    const res = await fetch(`${url}${API}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ events }),
    });
    expect(res.status).toBe(202);
  };
  const detail = async (id: string): Promise<IncidentDetail> =>
    incidentDetail.parse(await (await apiFetch(`${url}${API}/incidents/${id}`)).json());

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    ({ hub, url } = await startHub(
      testConfig({
        ...p.config,
        auth: {
          demoPassword: 'test-pass-2026',
          ingestApiKey: KEY,
          rateLimits: { userPerMin: 1e6, addressPerMin: 1e6, loginPer15Min: 1e6, citizenPerHour: 1e6 },
        },
      }),
    ));
    const { auth, repositories, demoAccounts } = hub.services();
    // As main.ts: every unit gets its demo phone, then the staff start.
    phonesMade = await demoAccounts.ensureUnitPhones();
    const units = await repositories.world.units();
    const grids = await repositories.world.regionsAt('grid');
    staff = startStaff({
      baseUrl: url,
      open: (username) =>
        auth.demoSession(username).then(
          ({ token, info }) => ({ token, csrfToken: info.csrfToken }),
          (e: unknown) => {
            if (e instanceof HttpError && e.status === 403) return null;
            throw e;
          },
        ),
      roster: units.map((u) => ({ id: u.id, kind: u.kind, homeRegionCode: u.homeRegionCode })),
      places: grids.map((g) => [g.centerLon, g.centerLat] as LonLat),
      log: pino({ level: 'silent' }),
      // A person's minutes in a few hundred milliseconds; everything worked, nobody declines.
      pace: 0.002,
      seed: SEED,
      tickMs: 50,
      pollMs: 200,
      citizenPerHour: 1_800,
      workShare: { 1: 1, 2: 1, 3: 1, 4: 1 },
      declineShare: 0,
    });
  });
  afterAll(async () => {
    await staff?.stop();
    await hub?.close();
    await cleanup?.();
  });

  it('walks a priority-1 incident through to closed, each step by whom it is due', async () => {
    await post([
      {
        id: 'staff-fence-1',
        source: 'fence',
        type: 'fence_intrusion',
        at: new Date().toISOString(),
        location: { lon: onFence[0], lat: onFence[1] },
      },
    ]);
    let id = '';
    await until(
      async () => {
        const page = incidentPage.parse(
          await (await apiFetch(`${url}${API}/incidents?status=all&source=alarm`)).json(),
        );
        id = page.incidents.find((i) => i.category === 'railway_safety')?.id ?? '';
        return id !== '';
      },
      30_000,
      'the fence incident',
    );
    // Busy while on it: seen at some point between the dispatch and the end of the work.
    const busySeen = new Set<string>();
    await until(
      async () => {
        const d = await detail(id);
        const { units } = (await (await apiFetch(`${url}${API}/units`)).json()) as { units: unknown[] };
        for (const u of units.map((x) => unitLive.parse(x)))
          if (u.status === 'busy' && u.incidentId === id) busySeen.add(u.id);
        return d.incident.status === 'closed';
      },
      90_000,
      'the staff to close the incident',
    );
    const d = await detail(id);
    const steps = d.timeline.map((t) => [t.action, t.actor]);
    const district = d.incident.gridCode.slice(0, 6);
    expect(steps).toEqual(
      expect.arrayContaining([
        ['accept', 'centre'],
        ['dispatch', 'centre'],
        ['unit_accept', 'unit'],
        ['arrive', 'unit'],
        ['resolve', 'unit'],
        ['verify', 'grid_worker'],
      ]),
    );
    // With no citizen to rate it, the hub closes it once verified (or the centre does).
    expect(d.timeline.at(-1)?.action).toBe('close');
    const order = ['accept', 'dispatch', 'unit_accept', 'arrive', 'resolve', 'verify', 'close'];
    const firsts = order.map((a) => d.timeline.findIndex((t) => t.action === a));
    expect([...firsts].sort((a, b) => a - b)).toEqual(firsts);
    // The district's own dispatcher; each unit on its own account; priority 1 sends two when it can.
    const districtName = city.regions.find((r) => r.code === district)!.name;
    expect(d.timeline.find((t) => t.action === 'accept')!.actorName).toBe(`${districtName}调度员`);
    const callsigns = new Map(city.units.map((u) => [u.id, u.callsign]));
    const accepted = d.timeline.filter((t) => t.action === 'unit_accept').map((t) => t.actorName);
    expect(accepted.sort()).toEqual(d.incident.assignments.map((a) => callsigns.get(a.unitId)).sort());
    expect(d.incident.assignments).toHaveLength(2);
    // Free once the work is done (and maybe busy again since, on the next job the staff gave them).
    const after = ((await (await apiFetch(`${url}${API}/units`)).json()) as { units: unknown[] }).units.map((x) =>
      unitLive.parse(x),
    );
    for (const a of d.incident.assignments) {
      expect(a.status).toBe('released');
      expect(after.find((u) => u.id === a.unitId)?.incidentId).not.toBe(id);
    }
    expect(busySeen.size).toBeGreaterThan(0);
  });

  it("rates and closes a citizen's report it made", async () => {
    await until(() => (staff.stats.steps.rate ?? 0) >= 1, 90_000, 'a rating');
    const page = incidentPage.parse(
      await (await apiFetch(`${url}${API}/incidents?status=closed&source=citizen`)).json(),
    );
    const rated = page.incidents.filter((i) => i.rating !== null);
    expect(rated.length).toBeGreaterThanOrEqual(1);
    const d = await detail(rated[0]!.id);
    expect(d.timeline.map((t) => t.action)).toEqual(expect.arrayContaining(['rate']));
    expect(d.timeline.find((t) => t.action === 'rate')?.actor).toBe('citizen');
  });

  it('handles an unhandled alarm as its plan says (incident, acknowledged, false, or left to expire)', async () => {
    const kp = (keyPerson.shape as { center: LonLat }).center;
    await post([
      {
        id: 'staff-stranger-1',
        source: 'camera',
        type: 'stranger',
        at: new Date().toISOString(),
        location: { lon: kp[0], lat: kp[1] },
      },
    ]);
    const find = async () =>
      alarmSyncReply
        .parse(await (await apiFetch(`${url}${API}/alarms?since=0`)).json())
        .alarms.filter((a) => a.event.id === 'staff-stranger-1')
        .at(-1);
    await until(async () => (await find()) !== undefined, 30_000, 'the alarm');
    const alarm = (await find())!;
    const move = alarmMove(SEED, alarm);
    const want = { incident: 'incident', acknowledge: 'acknowledged', false_alarm: 'false_alarm', leave: 'new' }[move];
    if (move === 'leave') {
      await new Promise((r) => setTimeout(r, 2_000));
      expect((await find())?.status).toBe('new');
    } else await until(async () => (await find())?.status === want, 30_000, `the alarm ${want}`);
  });

  it('gives every unit without an account a demo phone for the staff, with the demo password, once', async () => {
    const { repositories, demoAccounts } = hub.services();
    const fieldUsers = (await repositories.identity.users()).filter((u) => u.role === 'field');
    expect(fieldUsers.map((u) => u.unitId).sort()).toEqual(city.units.map((u) => u.id).sort());
    // The seed gave the first two units of each kind theirs; the staff's start the rest.
    expect(phonesMade.length).toBeGreaterThan(0);
    expect(phonesMade).not.toContain('police-0001');
    expect(phonesMade).toContain('police-0003');
    const officer = await signIn(url, 'police-0003', TEST_PASSWORD);
    expect(officer.info.user.role).toBe('field');
    expect((await officer.fetch(`${url}${API}/field/home`)).status).toBe(200);
    expect(await demoAccounts.ensureUnitPhones()).toEqual([]);
  });

  it('puts units a seed left busy on no incident back on duty at start', async () => {
    const { database, world } = hub.services();
    const unit = city.units.find((u) => u.kind === 'fire')!;
    await queryRows(database.db, sql`update units set status = 'busy', incident_id = null where id = ${unit.id}`);
    await world.ensureSeeded(database.db, { scale: 'small', seed: 7 });
    const rows = await queryRows<{ status: string }>(database.db, sql`select status from units where id = ${unit.id}`);
    expect(rows[0]?.status).toBe('available');
  });
});
