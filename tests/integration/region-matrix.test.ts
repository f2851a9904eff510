/**
 * The route × role × region matrix (issue 13), on both backends. Signed in as district X's
 * dispatcher, commander or admin, every write and every read by id, on an object of district Y (an
 * incident, an alarm, a unit, a merge target, a unit of Y dispatched to an incident of X, an alarm of
 * Y attached to an incident of X, a photo, a region, a user, a key), is refused exactly as GET of
 * Y's incident is refused (same status, same code); the refusal holds nothing of Y's objects (no
 * reporter, phone, description, title, code, grid or position); and nothing changed (every row of
 * the tables those routes write, compared before and after). The routes come from the route
 * registry: a write or by-id route with no case here (nor a reason why it has no region) fails.
 * Then the positive side: X on X's objects and the city-wide dispatcher on anything still work, and
 * the lists X gets (proposal units and cameras, merge candidates, nearby alarms) hold nothing of Y.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { backends, signIn, startHub, testConfig, TEST_PASSWORD, unfoldRules, type Signed } from './helpers';
import type { Hub } from '@server/app';
import { queryRows, type Db } from '@server/db/connect';
import { generateDemoCity } from '@server/demo';
import { dispatchProposal, incidentDetail, mergeCandidate, photoReply, type IncidentView } from '@shared/incidents';
import { INCIDENT_ACTIONS } from '@shared/incident-machine';
import { alarmSyncReply, type AlarmView } from '@shared/alarms';
import type { LonLat, Polygon } from '@shared/world';
import { majorEventView, type MajorEventBody } from '@shared/major-events';
import { perimeterInside } from '@shared/event-area';

const API = '/api/v1';
const KEY = 'region-matrix-key-0123456789';
const X = '360102';
const Y = '360103';
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f3c1e10000000049454e44ae426082',
  'hex',
);

/**
 * Write and by-id routes whose object has no region of its own, or that no district principal
 * reaches: each says why it is not in the matrix (the route × role matrix covers their guard).
 */
const NO_REGION: Record<string, string> = {
  'POST /auth/login': 'signs in: no object',
  'POST /auth/wall': 'a display signs in: no object',
  'POST /auth/logout': "one's own session",
  'POST /auth/password': "one's own account",
  'POST /auth/totp/setup': "one's own account",
  'POST /auth/totp/enable': "one's own account",
  'POST /events': 'device keys only; ingest checks each item against the key scope (ingest.test.ts)',
  'POST /photos': 'a new photo has no region until an incident holds it (GET /photos/:id is in the matrix)',
  'POST /field/position': "the field member's own unit",
  'POST /public/photos': 'citizens, no account',
  'POST /public/reports': 'citizens, no account',
  'GET /public/reports/:code': 'the tracking code is the credential',
  'POST /public/reports/:code/rating': 'the tracking code is the credential',
  'GET /public/regions/:code': "a region's public name and centre (the QR page)",
  'GET /layers/:file': "a layer by name: its content is filtered to the caller's scope (world.test.ts)",
  'GET /basemap/:file': 'the offline basemap: the same for every scope',
  'PUT /wall/presets/:id':
    "wall presets are the city's layouts, not data of a region: city-wide admins only (wall.test.ts)",
  'POST /devices/isapi':
    "a Hikvision device posting: the registered endpoint's scope bounds its events, as a device key's (devices.test.ts)",
  'GET /cap/alarms/:id.xml':
    "CAP for other agencies: one outside the caller's scope is the same 404 as none, not a 403 (cap.test.ts)",
  'GET /cap/incidents/:id.xml':
    "CAP for other agencies: one outside the caller's scope is the same 404 as none, not a 403 (cap.test.ts)",
  'POST /open311/v2/requests.:format':
    'integration keys only: a request outside the key scope is refused (open311.test.ts)',
  'GET /open311/v2/services/:code.:format': 'the service list: the same for every scope',
  'GET /open311/v2/services.:format': 'the service list: the same for every scope',
  'GET /open311/v2/requests.:format': "integration keys only: lists the key scope's requests (open311.test.ts)",
  'GET /open311/v2/requests/:id.:format':
    "integration keys only, in the standard's error format: one outside the key scope is a 403 (open311.test.ts)",
  'DELETE /wall/presets/:id':
    "wall presets are the city's layouts, not data of a region: city-wide admins only (wall.test.ts)",
};

/** A GB/T 28181 device endpoint in a region (no channels: its ids are cameras of ours or nothing). */
const deviceOf = (scope: string, deviceId = '34020000001320000099') => ({
  kind: 'gb28181',
  name: `NVR ${deviceId}`,
  scope,
  gb28181: { deviceId },
});

type Who = 'dispatcherX' | 'commanderX' | 'adminX';
interface Case {
  /** 'METHOD /path' as the route registry holds it. */
  route: string;
  name: string;
  who: Who[];
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: () => string;
  body?: () => unknown;
}

const DESK: Who[] = ['dispatcherX', 'commanderX'];

describe.each(backends)('route × role × region on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  let db: Db;
  const as = {} as Record<Who | 'city' | 'cityAdmin', Signed>;

  const city = generateDemoCity({ scale: 'small', seed: 7 });
  const circle = (z: (typeof city.zones)[number]) => (z.shape as { center: LonLat }).center;
  const distM = (a: LonLat, b: LonLat) =>
    Math.hypot((a[0] - b[0]) * 111_320 * Math.cos((a[1] * Math.PI) / 180), (a[1] - b[1]) * 110_540);
  // A key person's circle in Y with a camera of X within 200 m: an incident of X there has Y's
  // incident and alarm (at the circle's centre) among its merge candidates for the city, never for X.
  const border = (() => {
    for (const z of city.zones) {
      if (z.kind !== 'key_person' || z.shape.type !== 'circle' || !z.gridCode.startsWith(Y)) continue;
      const cam = city.cameras.find((c) => c.gridCode.startsWith(X) && distM(circle(z), c.position) < 200);
      if (cam) return { zone: z, x: cam.position };
    }
    throw new Error('the demo city has no key person of Y next to X');
  })();
  const kpX = city.zones.find((z) => z.kind === 'key_person' && z.shape.type === 'circle' && z.gridCode.startsWith(X))!;
  const unitX = city.units.find((u) => u.homeRegionCode.startsWith(X) && u.kind === 'police')!;
  // A unit of Y with a demo field account (the first two of each kind have one), sent by the city.
  const unitY2 = city.units.find(
    (u) => u.homeRegionCode.startsWith(Y) && u.kind !== 'grid_worker' && /-000[12]$/.test(u.id),
  )!;
  const unitY = city.units.find((u) => u.homeRegionCode.startsWith(Y) && u.kind === 'police' && u.id !== unitY2.id)!;
  const qrY = city.regions.find((r) => r.code.length === 12 && r.code.startsWith(Y))!.code;
  const gridY = city.regions.find((r) => r.code.length === 15 && r.code.startsWith(Y))!.code;

  // The objects (ids filled in beforeAll).
  let incY: IncidentView;
  let disputeY: IncidentView;
  let hotlineY: IncidentView;
  let incX: IncidentView;
  let incX2: IncidentView;
  let alarmY: AlarmView;
  let alarmX: AlarmView;
  /** An alarm of X that the city-wide desk attached to Y's incident. */
  let alarmXonY: AlarmView;
  let photoY: string;
  let userY: string;
  let keyY: string;
  let wallY: string;
  let integrationY: string;
  let deviceY: string;
  /** A major event of Y, open now (planned by the city's commander). */
  let eventY: string;
  /** A plan of Y: a 400 m square inside Y around one of its grids' centres. */
  const planY = (): MajorEventBody => {
    const boundary = city.regions.find((r) => r.code === Y)!.boundary;
    const square = (c: LonLat, d: number): Polygon => [
      [
        [c[0] - d, c[1] - d],
        [c[0] + d, c[1] - d],
        [c[0] + d, c[1] + d],
        [c[0] - d, c[1] + d],
        [c[0] - d, c[1] - d],
      ],
    ];
    const grid = city.regions.find(
      (r) => r.code.length === 15 && r.code.startsWith(Y) && perimeterInside(square(r.center, 0.002), boundary),
    )!;
    return {
      name: 'event of Y',
      regionCode: Y,
      perimeter: square(grid.center, 0.002),
      bufferM: 100,
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      posts: [],
      cameraIds: [],
      presetId: null,
      coverage: {},
    };
  };
  /** Strings of Y's objects that no refusal may carry. */
  const secrets: string[] = [];

  const json = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const ok = async (res: Response, status = 200) => {
    expect(res.status, await res.clone().text()).toBe(status);
    return res.json() as Promise<unknown>;
  };
  const create = async (body: Record<string, unknown>) =>
    incidentDetail.parse(await ok(await as.city.fetch(`${url}${API}/incidents`, json(body)), 201)).incident;
  const accept = async (i: IncidentView) =>
    incidentDetail.parse(
      await ok(
        await as.city.fetch(`${url}${API}/incidents/${i.id}/actions`, json({ action: 'accept', version: i.version })),
      ),
    ).incident;
  const current = async (id: string) =>
    incidentDetail.parse(await ok(await as.city.fetch(`${url}${API}/incidents/${id}`))).incident;
  let n = 0;
  /** A stranger by a key person's home: a priority-2 alarm there (no incident of its own). */
  const stranger = async (at: LonLat): Promise<AlarmView> => {
    const id = `rm-${++n}`;
    const res = await fetch(`${url}${API}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({
        id,
        source: 'camera',
        type: 'stranger',
        at: new Date().toISOString(),
        location: { lon: at[0], lat: at[1] },
      }),
    });
    expect(res.status).toBe(202);
    const alarms = alarmSyncReply.parse(await ok(await as.city.fetch(`${url}${API}/alarms`))).alarms;
    return alarms.find((a) => a.event.id === id)!;
  };

  /** Every row the matrix's routes could write, as text (times of last use left out). */
  const state = async (): Promise<Record<string, string>> => {
    const rows = await queryRows<{ k: string; v: string }>(
      db,
      sql`select 'incident:' || id as k, to_jsonb(i)::text as v from incidents i
          union all select 'alarm:' || id, to_jsonb(a)::text from alarms a
          union all select 'unit:' || id, (to_jsonb(u) - 'updated_at')::text from units u
          union all select 'timeline', count(*)::text from incident_timeline
          union all select 'sources', count(*)::text from incident_sources
          union all select 'photos', count(*)::text from photos
          union all select 'user:' || id, (to_jsonb(u) - 'last_login_at')::text from users u
          union all select 'credential:' || id, (to_jsonb(c) - 'last_used_at')::text from credentials c
          union all select 'sessions', count(*)::text from sessions where ended_at is null
          union all select 'rule:' || id, definition::text from rules
          union all select 'meta:' || key, value::text from app_meta where key = 'sla_policy'
          union all select 'major_event:' || id, to_jsonb(e)::text from major_events e
          union all select 'device:' || id, to_jsonb(d)::text from device_endpoints d`,
    );
    return Object.fromEntries(rows.map((r) => [r.k, r.v]));
  };

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    ({ hub, url } = await startHub(
      testConfig({
        ...p.config,
        auth: {
          demoPassword: TEST_PASSWORD,
          ingestApiKey: KEY,
          rateLimits: { userPerMin: 1e6, addressPerMin: 1e6, loginPer15Min: 1e6, citizenPerHour: 1e6 },
        },
      }),
    ));
    db = hub.services().database.db;
    as.city = await signIn(url, 'dispatcher');
    as.cityAdmin = await signIn(url, 'admin');
    const adminCreate = async (path: string, body: unknown) =>
      (await ok(await as.cityAdmin.fetch(`${url}${API}${path}`, json(body)), 201)) as Record<string, unknown>;
    await adminCreate('/admin/users', {
      username: `commander-${X}`,
      displayName: 'Commander X',
      role: 'commander',
      scope: X,
      password: 'commander-x-2026',
    });
    await adminCreate('/admin/users', {
      username: `admin-${X}`,
      displayName: 'Admin X',
      role: 'admin',
      scope: X,
      password: 'admin-x-pass-2026',
    });
    userY = (
      (await adminCreate('/admin/users', {
        username: 'viewer-y',
        displayName: '西湖观察员乙',
        role: 'viewer',
        scope: Y,
        password: 'viewer-y-2026',
      })) as { id: string }
    ).id;
    await signIn(url, 'viewer-y', 'viewer-y-2026'); // a session of Y's user, for DELETE …/sessions
    keyY = ((await adminCreate('/admin/device-keys', { name: 'gate of Y', scope: Y })) as { item: { id: string } }).item
      .id;
    wallY = ((await adminCreate('/admin/wall-tokens', { name: 'wall of Y', scope: Y })) as { item: { id: string } })
      .item.id;
    integrationY = (
      (await adminCreate('/admin/integration-keys', { name: 'agency of Y', scope: Y })) as { item: { id: string } }
    ).item.id;
    deviceY = ((await adminCreate('/admin/devices', deviceOf(Y))) as { id: string }).id;
    const cityCommander = await signIn(url, 'commander');
    eventY = majorEventView.parse(
      await ok(await cityCommander.fetch(`${url}${API}/major-events`, json(planY())), 201),
    ).id;
    as.dispatcherX = await signIn(url, `dispatcher-${X}`);
    as.commanderX = await signIn(url, `commander-${X}`, 'commander-x-2026');
    as.adminX = await signIn(url, `admin-${X}`, 'admin-x-pass-2026');

    // Free units on both sides (the demo city seeds some busy or offline).
    await db.execute(
      sql`update units set status = 'available', incident_id = null where id in (${unitX.id}, ${unitY.id}, ${unitY2.id})`,
    );

    photoY = photoReply.parse(
      await ok(
        await as.city.fetch(`${url}${API}/photos`, {
          method: 'POST',
          headers: { 'content-type': 'image/png' },
          body: PNG,
        }),
        201,
      ),
    ).id;
    const yc = circle(border.zone);
    incY = await accept(
      await create({
        category: 'key_person',
        priority: 2,
        title: '西湖区重点人员走失',
        description: '西湖区秘密描述：某某住址',
        location: { lon: yc[0], lat: yc[1] },
        address: '西湖区秘密路8号',
        reporter: { name: '赵秘密', phone: '13900001111' },
        photoIds: [photoY],
      }),
    );
    disputeY = await create({
      category: 'dispute_neighbour',
      priority: 3,
      title: '西湖区邻里纠纷',
      description: '西湖区纠纷秘密',
      location: { lon: yc[0], lat: yc[1] },
      parties: [{ name: '钱秘密' }],
    });
    hotlineY = await create({
      category: 'noise',
      priority: 3,
      title: '西湖区热线工单',
      description: '西湖区热线秘密',
      location: { lon: yc[0], lat: yc[1] },
      source: 'hotline',
      externalId: 'RM-Y-1',
      reporter: { name: '孙秘密', phone: '13900002222' },
    });
    incX = await accept(
      await create({
        category: 'key_person',
        priority: 2,
        title: '东湖区事件',
        location: { lon: border.x[0], lat: border.x[1] },
      }),
    );
    incX2 = await create({
      category: 'key_person',
      priority: 3,
      title: '东湖区事件二',
      location: { lon: border.x[0] + 0.0002, lat: border.x[1] },
    });
    expect(incY.gridCode.startsWith(Y) && disputeY.gridCode.startsWith(Y)).toBe(true);
    expect(incX.gridCode.startsWith(X) && incX2.gridCode.startsWith(X)).toBe(true);
    await unfoldRules(url, ['key-person-stranger']); // one alarm per event below
    alarmY = await stranger(yc);
    alarmX = await stranger(circle(kpX));
    alarmXonY = await stranger(circle(kpX));
    expect(alarmY.gridCode.startsWith(Y) && alarmX.gridCode.startsWith(X)).toBe(true);
    incY = incidentDetail.parse(
      await ok(
        await as.city.fetch(
          `${url}${API}/incidents/${incY.id}/alarms`,
          json({ alarmId: alarmXonY.id, version: incY.version }),
        ),
      ),
    ).incident;

    for (const i of [incY, disputeY, hotlineY]) {
      secrets.push(i.title, i.description, i.address, i.code, i.gridCode, String(i.position[0]), String(i.position[1]));
    }
    secrets.push(
      '赵秘密',
      '13900001111',
      '钱秘密',
      '孙秘密',
      '13900002222',
      '西湖观察员乙',
      alarmY.gridCode,
      String(alarmY.position[0]),
      String(alarmY.position[1]),
    );
    if (alarmY.zone) secrets.push(alarmY.zone.name);
    secrets.splice(0, secrets.length, ...secrets.filter((x) => x.length > 0));
  });

  afterAll(async () => {
    await hub?.close();
    await cleanup?.();
  });

  const cases = (): Case[] => {
    const actions = INCIDENT_ACTIONS.flatMap((action) =>
      [1, 'current'].map((v) => ({
        route: 'POST /incidents/:id/actions',
        name: `${action} on Y's incident, version ${v === 1 ? 'stale' : 'current'}`,
        who: DESK,
        method: 'POST' as const,
        path: () => `${API}/incidents/${incY.id}/actions`,
        body: () => ({
          action,
          version: v === 1 ? 1 : incY.version,
          ...(action === 'dispatch' ? { unitIds: [unitX.id] } : {}),
          ...(action === 'merge' ? { intoId: incX.id } : {}),
          ...(action === 'reject' || action === 'cancel' ? { note: 'x' } : {}),
        }),
      })),
    );
    return [
      {
        route: 'GET /incidents/:id',
        name: "Y's incident",
        who: DESK,
        method: 'GET',
        path: () => `${API}/incidents/${incY.id}`,
      },
      {
        route: 'GET /stats/grids/:code',
        name: 'the figures of a grid of Y',
        who: DESK,
        method: 'GET',
        path: () => `${API}/stats/grids/${gridY}?month=2026-01`,
      },
      {
        route: 'POST /incidents',
        name: "a new incident at Y's place",
        who: DESK,
        method: 'POST',
        path: () => `${API}/incidents`,
        body: () => ({
          category: 'key_person',
          priority: 2,
          title: 'x',
          location: { lon: incY.position[0], lat: incY.position[1] },
        }),
      },
      {
        route: 'POST /incidents',
        name: "Y's hotline ticket posted again",
        who: DESK,
        method: 'POST',
        path: () => `${API}/incidents`,
        body: () => ({
          category: 'key_person',
          priority: 2,
          title: 'x',
          location: { lon: incX.position[0], lat: incX.position[1] },
          source: 'hotline',
          externalId: 'RM-Y-1',
        }),
      },
      {
        route: 'POST /incidents/from-alarm/:alarmId',
        name: "Y's alarm",
        who: DESK,
        method: 'POST',
        path: () => `${API}/incidents/from-alarm/${alarmY.id}`,
      },
      {
        route: 'POST /incidents/from-alarm/:alarmId',
        name: "X's alarm whose incident is Y's",
        who: DESK,
        method: 'POST',
        path: () => `${API}/incidents/from-alarm/${alarmXonY.id}`,
      },
      ...actions,
      {
        route: 'POST /incidents/:id/actions',
        name: "merge X's incident into Y's",
        who: DESK,
        method: 'POST',
        path: () => `${API}/incidents/${incX2.id}/actions`,
        body: () => ({ action: 'merge', version: incX2.version, intoId: incY.id }),
      },
      {
        route: 'POST /incidents/:id/actions',
        name: "merge X's incident into Y's, stale version",
        who: DESK,
        method: 'POST',
        path: () => `${API}/incidents/${incX2.id}/actions`,
        body: () => ({ action: 'merge', version: 99, intoId: incY.id }),
      },
      {
        route: 'POST /incidents/:id/actions',
        name: "dispatch Y's unit to X's incident",
        who: DESK,
        method: 'POST',
        path: () => `${API}/incidents/${incX.id}/actions`,
        body: () => ({ action: 'dispatch', version: incX.version, unitIds: [unitX.id, unitY.id] }),
      },
      {
        route: 'POST /incidents/:id/actions',
        name: "dispatch Y's unit to X's incident, stale version",
        who: DESK,
        method: 'POST',
        path: () => `${API}/incidents/${incX.id}/actions`,
        body: () => ({ action: 'dispatch', version: 99, unitIds: [unitY.id] }),
      },
      {
        route: 'POST /incidents/:id/alarms',
        name: "attach Y's alarm to X's incident",
        who: DESK,
        method: 'POST',
        path: () => `${API}/incidents/${incX.id}/alarms`,
        body: () => ({ alarmId: alarmY.id, version: incX.version }),
      },
      {
        route: 'POST /incidents/:id/alarms',
        name: "attach X's alarm to Y's incident",
        who: DESK,
        method: 'POST',
        path: () => `${API}/incidents/${incY.id}/alarms`,
        body: () => ({ alarmId: alarmX.id, version: incY.version }),
      },
      {
        route: 'POST /incidents/:id/alarms',
        name: "attach X's alarm to Y's incident, stale version",
        who: DESK,
        method: 'POST',
        path: () => `${API}/incidents/${incY.id}/alarms`,
        body: () => ({ alarmId: alarmX.id, version: 99 }),
      },
      {
        route: 'POST /incidents/:id/mediations',
        name: "Y's dispute",
        who: DESK,
        method: 'POST',
        path: () => `${API}/incidents/${disputeY.id}/mediations`,
        body: () => ({ version: disputeY.version, channel: 'people', mediator: 'x', outcome: 'ongoing' }),
      },
      {
        route: 'POST /incidents/:id/mediations',
        name: "Y's dispute, stale version",
        who: DESK,
        method: 'POST',
        path: () => `${API}/incidents/${disputeY.id}/mediations`,
        body: () => ({ version: 99, channel: 'people', mediator: 'x', outcome: 'ongoing' }),
      },
      {
        route: 'GET /incidents/:id/proposal',
        name: "Y's incident",
        who: DESK,
        method: 'GET',
        path: () => `${API}/incidents/${incY.id}/proposal`,
      },
      {
        route: 'GET /incidents/:id/merge-candidates',
        name: "Y's incident",
        who: DESK,
        method: 'GET',
        path: () => `${API}/incidents/${incY.id}/merge-candidates`,
      },
      {
        route: 'GET /photos/:id',
        name: "the photo of Y's incident",
        who: DESK,
        method: 'GET',
        path: () => `${API}/photos/${photoY}`,
      },
      {
        route: 'POST /alarms/:id/actions',
        name: "acknowledge Y's alarm",
        who: DESK,
        method: 'POST',
        path: () => `${API}/alarms/${alarmY.id}/actions`,
        body: () => ({ action: 'acknowledge' }),
      },
      {
        route: 'POST /alarms/:id/actions',
        name: "mark Y's alarm false",
        who: DESK,
        method: 'POST',
        path: () => `${API}/alarms/${alarmY.id}/actions`,
        body: () => ({ action: 'false_alarm' }),
      },
      {
        route: 'GET /regions/:code/qr.svg',
        name: "a community of Y's QR code",
        who: DESK,
        method: 'GET',
        path: () => `${API}/regions/${qrY}/qr.svg`,
      },
      {
        route: 'PATCH /admin/users/:id',
        name: "Y's user",
        who: ['adminX'],
        method: 'PATCH',
        path: () => `${API}/admin/users/${userY}`,
        body: () => ({ displayName: 'x' }),
      },
      {
        route: 'DELETE /admin/users/:id/sessions',
        name: "Y's user's sessions",
        who: ['adminX'],
        method: 'DELETE',
        path: () => `${API}/admin/users/${userY}/sessions`,
      },
      {
        route: 'POST /admin/users',
        name: 'a user scoped to Y',
        who: ['adminX'],
        method: 'POST',
        path: () => `${API}/admin/users`,
        body: () => ({ username: 'made-in-y', displayName: 'x', role: 'viewer', scope: Y, password: 'made-in-y-2026' }),
      },
      {
        route: 'POST /admin/users',
        name: "a field user of X for Y's unit",
        who: ['adminX'],
        method: 'POST',
        path: () => `${API}/admin/users`,
        body: () => ({
          username: 'made-for-y-unit',
          displayName: 'x',
          role: 'field',
          scope: X,
          password: 'made-for-y-2026',
          unitId: unitY.id,
        }),
      },
      {
        route: 'POST /incidents/:id/reveal',
        name: "Y's reporter phone",
        who: DESK,
        method: 'POST',
        path: () => `${API}/incidents/${incY.id}/reveal`,
        body: () => ({ field: 'reporterPhone' }),
      },
      {
        route: 'POST /admin/device-keys',
        name: 'a key scoped to Y',
        who: ['adminX'],
        method: 'POST',
        path: () => `${API}/admin/device-keys`,
        body: () => ({ name: 'x', scope: Y }),
      },
      {
        route: 'DELETE /admin/device-keys/:id',
        name: "Y's key",
        who: ['adminX'],
        method: 'DELETE',
        path: () => `${API}/admin/device-keys/${keyY}`,
      },
      {
        route: 'POST /admin/wall-tokens',
        name: 'a wall token scoped to Y',
        who: ['adminX'],
        method: 'POST',
        path: () => `${API}/admin/wall-tokens`,
        body: () => ({ name: 'x', scope: Y }),
      },
      {
        route: 'DELETE /admin/wall-tokens/:id',
        name: "Y's wall token",
        who: ['adminX'],
        method: 'DELETE',
        path: () => `${API}/admin/wall-tokens/${wallY}`,
      },
      {
        route: 'POST /admin/integration-keys',
        name: 'an integration key scoped to Y',
        who: ['adminX'],
        method: 'POST',
        path: () => `${API}/admin/integration-keys`,
        body: () => ({ name: 'x', scope: Y }),
      },
      {
        route: 'DELETE /admin/integration-keys/:id',
        name: "Y's integration key",
        who: ['adminX'],
        method: 'DELETE',
        path: () => `${API}/admin/integration-keys/${integrationY}`,
      },
      {
        route: 'POST /admin/devices',
        name: 'a device endpoint in Y',
        who: ['adminX'],
        method: 'POST',
        path: () => `${API}/admin/devices`,
        body: () => deviceOf(Y, '34020000001320000098'),
      },
      {
        route: 'GET /admin/devices/:id',
        name: "Y's device endpoint",
        who: ['adminX'],
        method: 'GET',
        path: () => `${API}/admin/devices/${deviceY}`,
      },
      {
        route: 'PUT /admin/devices/:id',
        name: "Y's device endpoint, moved to X",
        who: ['adminX'],
        method: 'PUT',
        path: () => `${API}/admin/devices/${deviceY}`,
        body: () => deviceOf(X),
      },
      {
        route: 'DELETE /admin/devices/:id',
        name: "Y's device endpoint",
        who: ['adminX'],
        method: 'DELETE',
        path: () => `${API}/admin/devices/${deviceY}`,
      },
      {
        route: 'PUT /rules/:id',
        name: 'a city-wide rule',
        who: ['adminX'],
        method: 'PUT',
        path: () => `${API}/rules/key-person-stranger`,
        body: () => ({
          id: 'key-person-stranger',
          kind: 'zone',
          name: 'x',
          eventTypes: ['stranger'],
          zoneKinds: ['key_person'],
          priority: 4,
          actions: [],
          enabled: false,
        }),
      },
      {
        route: 'GET /major-events/:id',
        name: "Y's major event",
        who: DESK,
        method: 'GET',
        path: () => `${API}/major-events/${eventY}`,
      },
      {
        route: 'GET /major-events/:id/report',
        name: "Y's major event's report",
        who: DESK,
        method: 'GET',
        path: () => `${API}/major-events/${eventY}/report`,
      },
      {
        route: 'GET /major-events/:id/report.pdf',
        name: "Y's major event's report as a PDF",
        who: DESK,
        method: 'GET',
        path: () => `${API}/major-events/${eventY}/report.pdf`,
      },
      {
        route: 'POST /major-events',
        name: 'a major event planned in Y',
        who: ['commanderX'],
        method: 'POST',
        path: () => `${API}/major-events`,
        body: () => planY(),
      },
      {
        route: 'PUT /major-events/:id',
        name: "Y's major event changed",
        who: ['commanderX'],
        method: 'PUT',
        path: () => `${API}/major-events/${eventY}`,
        body: () => planY(),
      },
      {
        route: 'POST /major-events/:id/close',
        name: "Y's major event closed",
        who: ['commanderX'],
        method: 'POST',
        path: () => `${API}/major-events/${eventY}/close`,
      },
      {
        route: 'PUT /sla',
        name: "the city's SLA policy",
        who: ['adminX'],
        method: 'PUT',
        path: () => `${API}/sla`,
        body: () => null,
      },
    ];
  };

  it('has a case, or a reason for none, for every write and every read by id of the route registry', () => {
    const needed = hub.routes
      .map((r) => `${r.method.toUpperCase()} ${r.path}`)
      .filter((r) => !r.startsWith('GET ') || r.includes(':'));
    const covered = new Set([...cases().map((c) => c.route), ...Object.keys(NO_REGION)]);
    expect(
      needed.filter((r) => !covered.has(r)),
      'routes with no region case',
    ).toEqual([]);
    const known = new Set(hub.routes.map((r) => `${r.method.toUpperCase()} ${r.path}`));
    expect(
      [...covered].filter((r) => !known.has(r)),
      'cases of routes the hub does not have',
    ).toEqual([]);
  });

  it("refuses district X every action on district Y's objects as GET refuses, saying nothing of them, changing nothing", async () => {
    // PUT /sla needs a valid policy in its body (a refused one is a 400 before the scope).
    const policy = await ok(await as.city.fetch(`${url}${API}/sla`));
    const get = await as.dispatcherX.fetch(`${url}${API}/incidents/${incY.id}`);
    const refused = { status: get.status, code: ((await get.json()) as { error: { code: string } }).error.code };
    expect(refused).toEqual({ status: 403, code: 'auth/forbidden' });
    for (const c of cases()) {
      for (const who of c.who) {
        const before = await state();
        const body = c.route === 'PUT /sla' ? policy : c.body?.();
        const init: RequestInit = {
          method: c.method,
          ...(body === undefined
            ? {}
            : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
        };
        const res = await as[who].fetch(`${url}${c.path()}`, init);
        const text = await res.text();
        const label = `${who} ${c.route}: ${c.name} → ${res.status} ${text}`;
        // Soft: one run names every case that fails, not only the first.
        expect.soft(res.status, label).toBe(refused.status);
        expect.soft((JSON.parse(text) as { error?: { code: string } }).error?.code, label).toBe(refused.code);
        for (const s of secrets) expect.soft(text.includes(s), `${label} carries ${JSON.stringify(s)}`).toBe(false);
        expect.soft(await state(), `${label} changed something`).toEqual(before);
      }
    }
  });

  it('lets X act on X, the city on anything, and gives X lists with nothing of Y', async () => {
    const X_ = as.dispatcherX;
    const inX = (code: string) => code.startsWith(X);
    const unitsHome = new Map(city.units.map((u) => [u.id, u.homeRegionCode]));
    const cameraGrid = new Map(city.cameras.map((c) => [c.id, c.gridCode]));
    incX = await current(incX.id);

    // Reading and the stale 409 on X's own incident: the current state comes with it.
    expect((await X_.fetch(`${url}${API}/incidents/${incX.id}`)).status).toBe(200);
    const stale = await X_.fetch(
      `${url}${API}/incidents/${incX.id}/actions`,
      json({ action: 'escalate', version: 99 }),
    );
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({
      error: { code: 'incident/stale', details: { incident: { id: incX.id, version: incX.version } } },
    });

    // Lists: X's proposal and merge candidates hold only X's units, cameras, incidents and alarms; the
    // city's candidates of the same incident include Y's incident and alarm next door.
    const proposal = dispatchProposal.parse(await ok(await X_.fetch(`${url}${API}/incidents/${incX.id}/proposal`)));
    for (const u of [...proposal.units, ...proposal.departmentUnits])
      expect(inX(unitsHome.get(u.unitId)!), u.unitId).toBe(true);
    for (const c of proposal.cameraIds) expect(inX(cameraGrid.get(c)!), c).toBe(true);
    const candidates = async (s: Signed) =>
      (
        (await ok(await s.fetch(`${url}${API}/incidents/${incX.id}/merge-candidates`))) as { candidates: unknown[] }
      ).candidates.map((c) => mergeCandidate.parse(c));
    const forCity = (await candidates(as.city)).map((c) => c.id);
    expect(forCity).toEqual(expect.arrayContaining([incY.id, alarmY.id, incX2.id]));
    const forX = (await candidates(X_)).map((c) => c.id);
    expect(forX).toContain(incX2.id);
    expect(forX).not.toContain(incY.id);
    expect(forX).not.toContain(alarmY.id);
    expect(forX).not.toContain(disputeY.id);

    // X dispatches X's unit, merges X into X, attaches X's alarm, makes an incident of X's alarm.
    let d = incidentDetail.parse(
      await ok(
        await X_.fetch(
          `${url}${API}/incidents/${incX.id}/actions`,
          json({ action: 'dispatch', version: incX.version, unitIds: [unitX.id] }),
        ),
      ),
    );
    expect(d.incident.assignments.map((a) => a.unitId)).toEqual([unitX.id]);
    d = incidentDetail.parse(
      await ok(
        await X_.fetch(
          `${url}${API}/incidents/${incX2.id}/actions`,
          json({ action: 'merge', version: incX2.version, intoId: incX.id }),
        ),
      ),
    );
    expect(d.incident).toMatchObject({ status: 'merged', mergedInto: incX.id });
    incX = await current(incX.id);
    d = incidentDetail.parse(
      await ok(
        await X_.fetch(`${url}${API}/incidents/${incX.id}/alarms`, json({ alarmId: alarmX.id, version: incX.version })),
      ),
    );
    expect(d.sources.map((s) => s.ref)).toContain(alarmX.id);
    const other = await stranger(circle(kpX));
    expect((await X_.fetch(`${url}${API}/incidents/from-alarm/${other.id}`, { method: 'POST' })).status).toBe(201);
    expect(
      (
        await as.commanderX.fetch(
          `${url}${API}/alarms/${(await stranger(circle(kpX))).id}/actions`,
          json({ action: 'acknowledge' }),
        )
      ).status,
    ).toBe(200);

    // The city-wide dispatcher reaches across: Y's unit to X's incident (reinforcement), Y's photo,
    // Y's alarm acknowledged; the unit's field account may then read X's incident it works on.
    incX = await current(incX.id);
    d = incidentDetail.parse(
      await ok(
        await as.city.fetch(
          `${url}${API}/incidents/${incX.id}/actions`,
          json({ action: 'dispatch', version: incX.version, unitIds: [unitY2.id] }),
        ),
      ),
    );
    expect(d.incident.assignments.map((a) => a.unitId)).toEqual([unitX.id, unitY2.id]);
    expect((await as.city.fetch(`${url}${API}/photos/${photoY}`)).status).toBe(200);
    expect(
      (await as.city.fetch(`${url}${API}/alarms/${alarmY.id}/actions`, json({ action: 'acknowledge' }))).status,
    ).toBe(200);
    const crew = await signIn(url, unitY2.id.replace(/^unit-/, ''));
    expect(crew.info.user.scope).toBe(Y);
    const seen = incidentDetail.parse(await ok(await crew.fetch(`${url}${API}/incidents/${incX.id}`)));
    expect(seen.actions).toContain('unit_accept');
    expect(
      (
        await crew.fetch(
          `${url}${API}/incidents/${incX.id}/actions`,
          json({ action: 'unit_accept', version: seen.incident.version }),
        )
      ).status,
    ).toBe(200);
    // In its own district it reads Y's incident, but acts only on its own assignments.
    const notMine = incidentDetail.parse(await ok(await crew.fetch(`${url}${API}/incidents/${incY.id}`)));
    expect(notMine.actions).toEqual([]);
    expect(
      (
        await crew.fetch(
          `${url}${API}/incidents/${incY.id}/actions`,
          json({ action: 'resolve', version: notMine.incident.version }),
        )
      ).status,
    ).toBe(403);

    // A photo no incident holds yet is its uploader's alone.
    const mine = photoReply.parse(
      await ok(
        await X_.fetch(`${url}${API}/photos`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: PNG }),
        201,
      ),
    ).id;
    expect((await X_.fetch(`${url}${API}/photos/${mine}`)).status).toBe(200);
    expect((await as.commanderX.fetch(`${url}${API}/photos/${mine}`)).status).toBe(403);
  });
});
