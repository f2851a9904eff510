/**
 * Flood control (issue 15), on both backends: repeats of one rule in one zone (or from one
 * device) within the rule's fold window fold into the open alarm (count, last time; one automatic
 * incident), after the window or in another zone they raise a new one; an unhandled alarm of a
 * rule with an expiry expires by the sweep and says so, an acknowledged one does not; a bad fold
 * window, expiry or zone is refused naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backends, signIn, startHub, testConfig, type Signed } from './helpers';
import type { Hub } from '@server/app';
import { ManualClock } from '@server/core/clock';
import { queryRows } from '@server/db/connect';
import { generateDemoCity } from '@server/demo';
import { ingestReply, type EventInput } from '@shared/ingest';
import type { AlarmView } from '@shared/alarms';
import type { LonLat } from '@shared/world';
import { ScreenSocket, until } from './screen';

const API = '/api/v1';
const KEY = 'flood-test-key-0123456789';
const PASSWORD = 'test-pass-2026';
const MIN = 60_000;

describe.each(backends)('alarm floods on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  const clock = new ManualClock(Date.parse('2026-12-06T02:00:00Z'));
  const screens: ScreenSocket[] = [];
  const city = generateDemoCity({ scale: 'small', seed: 7 });
  const corridors = city.zones.filter((z) => z.kind === 'railway' && z.shape.type === 'corridor');
  const start = (z: (typeof corridors)[number]) => (z.shape as { line: LonLat[] }).line[0]!;
  const far = (z: (typeof corridors)[number]) =>
    Math.hypot(start(z)[0] - start(corridors[0]!)[0], start(z)[1] - start(corridors[0]!)[1]);
  // Two fences far apart: a point of one lies in no corridor of the other.
  const fences = [corridors[0]!, corridors.reduce((a, b) => (far(b) > far(a) ? b : a))];
  // The middle vertex of a fence's line: inside its corridor only (its ends touch the next fence's).
  const on = (i: number): LonLat => {
    const line = (fences[i]!.shape as { line: LonLat[] }).line;
    return line[Math.floor(line.length / 2)]!;
  };
  const keyPerson = city.zones.find((z) => z.kind === 'key_person' && z.shape.type === 'circle')!;
  const kp = (keyPerson.shape as { center: LonLat }).center;
  const [buttonA, buttonB] = city.facilities.filter((f) => f.kind === 'hospital');

  let n = 0;
  const event = (over: Partial<Omit<EventInput, 'at'>> & { min?: number; where?: LonLat }): EventInput => {
    const { min = 0, where = on(0), ...rest } = over;
    return {
      id: `flood-${++n}`,
      source: 'fence',
      type: 'fence_intrusion',
      at: new Date(clock.now() + min * MIN).toISOString(),
      location: { lon: where[0], lat: where[1] },
      ...rest,
    };
  };
  const post = async (...events: EventInput[]) => {
    const res = await fetch(`${url}${API}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ events }),
    });
    expect(ingestReply.parse(await res.json())).toMatchObject({ accepted: events.length });
  };
  const screen = async () => {
    const sc = new ScreenSocket(url, (await signIn(url, 'dispatcher', PASSWORD)).cookie);
    screens.push(sc);
    await sc.ready();
    await sc.syncAlarms(null);
    return sc;
  };
  const of = (sc: ScreenSocket, rule: string) => [...sc.alarms.values()].filter((a) => a.rule.id === rule);
  const putRule = async (admin: Signed, id: string, patch: Record<string, unknown>) => {
    const rules = (await (await admin.fetch(`${url}${API}/rules`)).json()) as { rules: { id: string }[] };
    return admin.fetch(`${url}${API}/rules/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...rules.rules.find((r) => r.id === id), ...patch }),
    });
  };
  const incidentsOf = async (alarmIds: string[]) =>
    (
      await queryRows<{ n: number }>(
        hub.services().database.db,
        sql`select count(distinct incident_id)::int as n from alarms where id in (${sql.join(
          alarmIds.map((id) => sql`${id}`),
          sql`, `,
        )}) and incident_id is not null`,
      )
    )[0]!.n;

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    ({ hub, url } = await startHub(
      testConfig({
        ...p.config,
        alarmExpirySweepMs: 0,
        auth: {
          demoPassword: PASSWORD,
          ingestApiKey: KEY,
          rateLimits: { userPerMin: 1e6, addressPerMin: 1e6, loginPer15Min: 1e6 },
        },
      }),
      { clock },
    ));
    expect(fences.length).toBeGreaterThan(1);
  });
  afterAll(async () => {
    for (const s of screens) s.socket.disconnect();
    await hub?.close();
    await cleanup?.();
  });

  it('folds repeats in one zone within the window into one alarm with one incident', async () => {
    const sc = await screen();
    await post(event({}));
    await until(() => of(sc, 'fence-intrusion').length === 1);
    const first = of(sc, 'fence-intrusion')[0]!;
    expect(first).toMatchObject({ count: 1, lastAt: first.event.at });

    // Two more within 10 minutes of the last, one in the same batch as a third zone's first.
    await post(event({ min: 4 }));
    await post(event({ min: 9 }), event({ min: 9, where: on(1) }));
    await until(() => sc.alarms.get(first.id)?.count === 3 && of(sc, 'fence-intrusion').length === 2);
    const folded = sc.alarms.get(first.id)!;
    expect(folded.rev).toBeGreaterThan(first.rev);
    expect(folded.lastAt).toBe(new Date(clock.now() + 9 * MIN).toISOString());
    expect(folded.event.at).toBe(first.event.at); // the first event stays the alarm's event
    // One incident for the three events of the first zone, one for the other zone.
    expect(await incidentsOf([first.id])).toBe(1);
    const other = of(sc, 'fence-intrusion').find((a) => a.id !== first.id)!;
    expect(other).toMatchObject({ count: 1, zone: { id: fences[1]!.id } });
    expect(await incidentsOf([first.id, other.id])).toBe(2);

    // Its incident asked for from the alarm: the alarm is handed to it and leaves the open queue.
    expect(folded.status).toBe('new');
    const dispatcher = await signIn(url, 'dispatcher', PASSWORD);
    const opened = await dispatcher.fetch(`${url}${API}/incidents/from-alarm/${first.id}`, { method: 'POST' });
    expect(opened.status).toBe(200);
    await until(() => sc.alarms.get(first.id)?.status === 'incident');

    // After a quiet window (11 minutes after the last repeat) the zone raises a new alarm and incident.
    await post(event({ min: 20 }));
    await until(() => of(sc, 'fence-intrusion').length === 3);
    const again = of(sc, 'fence-intrusion').find((a) => a.id !== first.id && a.id !== other.id)!;
    expect(again).toMatchObject({ count: 1, zone: { id: fences[0]!.id } });
    expect(await incidentsOf([first.id, other.id, again.id])).toBe(3);
  });

  it('folds a facility rule by device: the same button folds, another button does not', async () => {
    const sc = await screen();
    const button = (f: typeof buttonA, min: number) =>
      event({ source: 'alarm_button', type: 'one_key_alarm', deviceId: f!.id, where: f!.position, min });
    await post(button(buttonA, 0), button(buttonA, 1), button(buttonB, 1));
    await until(() => of(sc, 'one-key-alarm').length === 2);
    const counts = of(sc, 'one-key-alarm')
      .map((a) => a.count)
      .sort();
    expect(counts).toEqual([1, 2]);
  });

  it('expires an unhandled alarm of a rule with an expiry, and says so; an acknowledged one stays', async () => {
    const admin = await signIn(url, 'admin', PASSWORD);
    expect((await putRule(admin, 'key-person-stranger', { expireMinutes: 5, foldMinutes: 0 })).status).toBe(200);
    const sc = await screen();
    await post(
      event({ source: 'camera', type: 'stranger', where: kp }),
      event({ source: 'camera', type: 'stranger', where: kp }),
    );
    await until(() => of(sc, 'key-person-stranger').filter((a) => a.status === 'new').length === 2);
    const [kept, left] = of(sc, 'key-person-stranger').filter((a) => a.status === 'new') as [AlarmView, AlarmView];
    expect(left.expiresAt).toBe(new Date(clock.now() + 5 * MIN).toISOString());
    const dispatcher = await signIn(url, 'dispatcher', PASSWORD);
    const ack = await dispatcher.fetch(`${url}${API}/alarms/${kept.id}/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'acknowledge' }),
    });
    expect(ack.status).toBe(200);

    expect(await hub.services().alarms.expire()).toBe(0); // not yet
    clock.advance(6 * MIN);
    expect(await hub.services().alarms.expire()).toBeGreaterThanOrEqual(1);
    await until(() => sc.alarms.get(left.id)?.status === 'expired');
    expect(sc.alarms.get(left.id)).toMatchObject({ handledBy: 'system' });
    expect(sc.alarms.get(kept.id)?.status).toBe('acknowledged');
    // An expired alarm cannot be acknowledged any more.
    const late = await (
      await signIn(url, 'dispatcher', PASSWORD)
    ).fetch(`${url}${API}/alarms/${left.id}/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'acknowledge' }),
    });
    expect(late.status).toBe(409);
    const admin2 = await signIn(url, 'admin', PASSWORD);
    const audit = (await (await admin2.fetch(`${url}${API}/admin/audit?action=alarm.expire`)).json()) as {
      records: { actorName: string }[];
    };
    expect(audit.records.length).toBeGreaterThanOrEqual(1);
  });

  it.each([
    [{ foldMinutes: 2000 }, /^body\.foldMinutes: must be 0-1440/],
    [{ foldMinutes: -1 }, /^body\.foldMinutes/],
    [{ foldMinutes: 1.5 }, /^body\.foldMinutes: must be a whole number/],
    [{ expireMinutes: 1 }, /^body\.expireMinutes: must be 5-10080/],
    [{ expireMinutes: 99_999 }, /^body\.expireMinutes/],
    [{ zoneIds: ['zone-that-is-not'] }, /^body\.zoneIds\.0: no zone with id "zone-that-is-not"/],
    [{ zoneIds: ['\u0000\ud800'] }, /^body\.zoneIds\.0: /],
  ])('refuses a rule with %j naming the field', async (patch, message) => {
    const admin = await signIn(url, 'admin', PASSWORD);
    const res = await putRule(admin, 'key-person-stranger', patch);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
  });

  it('refuses an expiry on a priority-1 rule', async () => {
    const admin = await signIn(url, 'admin', PASSWORD);
    const res = await putRule(admin, 'fence-intrusion', { expireMinutes: 30 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /^body\.expireMinutes: priority-1 alarms never expire/,
    );
  });
});
