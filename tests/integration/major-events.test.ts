/**
 * Major security events (issue 17) through the API: a commander plans one around a compound; while
 * its window is open an alarm inside the perimeter is raised one priority and says why, one outside
 * is not; the walls of its region show its preset; closed, it raises nothing more and cannot change.
 * Bad plans are a 400 naming the field (a self-crossing perimeter, one outside the region, a window
 * that ends before it starts, a post outside, an unknown preset or camera or unit); a dispatcher may
 * not plan one; another district's dispatcher cannot read it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { backends, signIn, testConfig, TEST_PASSWORD } from './helpers';
import { createApp, type Hub } from '@server/app';
import { generateDemoCity } from '@server/demo';
import { perimeterInside } from '@shared/event-area';
import { majorEventView, type MajorEventBody } from '@shared/major-events';
import { wallState, DEFAULT_WALL_PRESET } from '@shared/wall';
import { alarmView } from '@shared/alarms';
import type { Polygon } from '@shared/world';

const API = '/api/v1';
const KEY = 'major-events-test-key-0123456789';

describe.each(backends.slice(0, 1))('major events on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  const city = generateDemoCity({ scale: 'small', seed: 7 });
  const districts = new Map(city.regions.filter((r) => r.level === 'district').map((r) => [r.code, r]));
  const square = (lon: number, lat: number, d: number): Polygon => [
    [
      [lon - d, lat - d],
      [lon + d, lat - d],
      [lon + d, lat + d],
      [lon - d, lat + d],
      [lon - d, lat - d],
    ],
  ];
  const centre = (z: (typeof city.zones)[number]): [number, number] => {
    if (z.shape.type === 'circle') return z.shape.center;
    if (z.shape.type === 'polygon') {
      const ring = z.shape.polygon[0]!.slice(0, -1);
      return [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
    }
    return z.shape.line[0]!;
  };
  // A compound whose 400 m square lies inside its district, and a compound far from it.
  const communities = city.zones.filter((z) => z.kind === 'community' && z.shape.type === 'polygon');
  const inside = communities.find((z) =>
    perimeterInside(square(...centre(z), 0.004), districts.get(z.gridCode.slice(0, 6))!.boundary),
  )!;
  const region = inside.gridCode.slice(0, 6);
  const outside = communities.find((z) => {
    const [a, b] = [centre(z), centre(inside)];
    return Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) > 0.02;
  })!;
  const otherDistrict = [...districts.keys()].find((d) => d !== region)!;

  let n = 0;
  const postThrow = async (at: [number, number]) => {
    const id = `throw-${++n}`;
    const res = await fetch(`${url}${API}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({
        id,
        source: 'camera',
        type: 'high_throw',
        at: new Date().toISOString(),
        location: { lon: at[0], lat: at[1] },
      }),
    });
    expect(res.status, await res.text()).toBe(202);
    const dispatcher = await signIn(url, 'dispatcher', TEST_PASSWORD);
    for (let i = 0; i < 50; i++) {
      const list = (await (await dispatcher.fetch(`${url}${API}/alarms`)).json()) as { alarms: unknown[] };
      const found = list.alarms.map((a) => alarmView.parse(a)).find((a) => a.event.id === id);
      if (found) {
        // Closed at once, so the next event in the same compound raises its own alarm (it would fold).
        const res = await dispatcher.fetch(`${url}${API}/alarms/${found.id}/actions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ action: 'false_alarm' }),
        });
        expect(res.status).toBe(200);
        return found;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no alarm for ${id}`);
  };
  const plan = (over: Partial<MajorEventBody> = {}): MajorEventBody => ({
    name: '南昌马拉松',
    regionCode: region,
    perimeter: square(...centre(inside), 0.004),
    bufferM: 200,
    startsAt: new Date(Date.now() - 60_000).toISOString(),
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    posts: [{ name: '北门岗', kind: 'post', position: centre(inside), unitIds: [], staff: ['张三'] }],
    cameraIds: [],
    presetId: 'marathon',
    coverage: { police: 5 },
    ...over,
  });
  const post = async (body: unknown, who = 'commander', path = '/major-events') => {
    const s = await signIn(url, who, TEST_PASSWORD);
    return s.fetch(`${url}${API}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  };

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    hub = createApp(
      testConfig({
        ...p.config,
        auth: {
          demoPassword: TEST_PASSWORD,
          ingestApiKey: KEY,
          rateLimits: { userPerMin: 1e6, addressPerMin: 1e6, loginPer15Min: 1e6 },
        },
      }),
      { logger: pino({ level: 'silent' }) },
    );
    url = `http://127.0.0.1:${(await hub.listen()).port}`;
    await hub.ready;
    const admin = await signIn(url, 'admin', TEST_PASSWORD);
    const res = await admin.fetch(`${url}${API}/wall/presets/marathon`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...DEFAULT_WALL_PRESET, name: '马拉松', fixed: ['coverage'], rotate: [] }),
    });
    expect(res.status).toBe(200);
  });
  afterAll(async () => {
    await hub?.close();
    await cleanup?.();
  });

  it('raises alarms inside an open event by one priority, says why, and stops when it closes', async () => {
    expect(inside && outside).toBeTruthy();
    const before = await postThrow(centre(inside));
    expect(before).toMatchObject({ priority: 3, raise: null });

    const res = await post(plan());
    const text = await res.text();
    expect(res.status, text).toBe(201);
    const event = majorEventView.parse(JSON.parse(text));
    expect(event).toMatchObject({ status: 'active', regionCode: region, presetId: 'marathon' });
    expect(event.bufferRing[0]!.length).toBeGreaterThan(4);

    const raised = await postThrow(centre(inside));
    expect(raised).toMatchObject({ priority: 2, raise: { eventId: event.id, name: '南昌马拉松', from: 3 } });
    const far = await postThrow(centre(outside));
    expect(far).toMatchObject({ priority: 3, raise: null });

    // The wall of the city (its scope holds the event's region) shows the event's preset.
    const wall = await signIn(url, 'wall', TEST_PASSWORD);
    const state = wallState.parse(await (await wall.fetch(`${url}${API}/wall`)).json());
    expect(state).toMatchObject({ preset: { id: 'marathon' }, because: { kind: 'event', eventId: event.id } });

    // Another district's dispatcher cannot read it; the region's can.
    const other = await signIn(url, `dispatcher-${otherDistrict}`, TEST_PASSWORD);
    expect((await other.fetch(`${url}${API}/major-events/${event.id}`)).status).toBe(403);
    const list = (await (await other.fetch(`${url}${API}/major-events`)).json()) as { events: { id: string }[] };
    expect(list.events.map((e) => e.id)).not.toContain(event.id);
    const own = await signIn(url, `dispatcher-${region}`, TEST_PASSWORD);
    expect((await own.fetch(`${url}${API}/major-events/${event.id}`)).status).toBe(200);

    const closed = await post({}, 'commander', `/major-events/${event.id}/close`);
    expect(closed.status).toBe(200);
    expect(majorEventView.parse(await closed.json()).status).toBe('closed');
    expect(await postThrow(centre(inside))).toMatchObject({ priority: 3, raise: null });
    expect(wallState.parse(await (await wall.fetch(`${url}${API}/wall`)).json()).because).toEqual({ kind: 'default' });
    expect((await post({}, 'commander', `/major-events/${event.id}/close`)).status).toBe(409);
  });

  it('refuses bad plans with a 400 naming the field, and anyone but a commander', async () => {
    const [lon, lat] = centre(inside);
    const cases: [unknown, string][] = [
      [
        plan({
          perimeter: [
            [
              [lon - 0.003, lat - 0.003],
              [lon + 0.003, lat + 0.003],
              [lon + 0.003, lat - 0.003],
              [lon - 0.003, lat + 0.003],
              [lon - 0.003, lat - 0.003],
            ],
          ],
        }),
        'body.perimeter.0',
      ],
      [plan({ regionCode: otherDistrict }), 'body.perimeter'],
      [plan({ endsAt: new Date(Date.now() - 3_600_000).toISOString() }), 'body.endsAt'],
      [
        plan({ posts: [{ name: '远岗', kind: 'checkpoint', position: centre(outside), unitIds: [], staff: [] }] }),
        'body.posts.0.position',
      ],
      [
        plan({ posts: [{ name: '岗', kind: 'post', position: [lon, lat], unitIds: ['no-such-unit'], staff: [] }] }),
        'body.posts.0.unitIds.0',
      ],
      [plan({ presetId: 'no-such-preset' }), 'body.presetId'],
      [plan({ cameraIds: ['36010000001310000001'] }), 'body.cameraIds.0'],
      [plan({ bufferM: 1 }), 'body.bufferM'],
      [{ ...plan(), name: '\u0000' }, 'body.name'],
    ];
    for (const [body, field] of cases) {
      const res = await post(body);
      const text = await res.text();
      expect(res.status, text).toBe(400);
      expect(text).toContain(field);
    }
    expect((await post(plan(), 'dispatcher')).status).toBe(403);
  });
});
