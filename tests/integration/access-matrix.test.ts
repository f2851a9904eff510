/**
 * The route × role matrix: every route the hub has, asked by every kind of principal (anonymous,
 * each role, a wall display, a device key), must answer as the table below says: allowed (the
 * guard lets it through: anything but 401/403) or refused (401 without a credential, 403 with
 * one). The routes are read from Express itself, so a route added without a line here fails.
 * Scope: a district's admin and dispatcher, inside and outside their district.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Express } from 'express';
import { backends, signIn, startHub, testConfig, type Signed } from './helpers';
import type { Hub } from '@server/app';

type Who = 'anonymous' | 'admin' | 'commander' | 'dispatcher' | 'field' | 'wall' | 'viewer' | 'device' | 'integration';
const EVERYONE: Who[] = [
  'anonymous',
  'admin',
  'commander',
  'dispatcher',
  'field',
  'wall',
  'viewer',
  'device',
  'integration',
];
const PEOPLE: Who[] = ['admin', 'commander', 'dispatcher', 'field', 'wall', 'viewer'];
const WORLD: Who[] = PEOPLE; // world:read: every role, no device
const ACCOUNT: Who[] = ['admin', 'commander', 'dispatcher', 'field', 'viewer']; // not a wall display
const ADMIN: Who[] = ['admin'];
const AUDIT: Who[] = ['admin', 'commander'];
const CAP: Who[] = ['admin', 'commander', 'dispatcher', 'wall', 'viewer', 'integration'];
const STATS: Who[] = ['admin', 'commander', 'dispatcher', 'wall', 'viewer']; // the centre's figures, not a unit's phone

interface Row {
  /** Express route: method and path (API routes without the /api/v1 prefix, as Express holds them). */
  route: string;
  /** A concrete request for it. */
  url: (ids: Ids) => string;
  body?: unknown;
  allowed: Who[];
}
interface Ids {
  userB: string;
  deviceKey: string;
  wallToken: string;
}

const API = '/api/v1';
// Bodies are deliberately invalid where a valid one would change state: the guard runs first,
// so an allowed caller gets 400 and a refused one 401/403.
const MATRIX: Row[] = [
  { route: 'GET /healthz', url: () => '/healthz', allowed: EVERYONE },
  { route: 'GET /readyz', url: () => '/readyz', allowed: EVERYONE },
  // A city-wide admin's session or the METRICS_TOKEN; a device key is the wrong bearer (401).
  { route: 'GET /metrics', url: () => '/metrics', allowed: ADMIN },
  { route: 'GET <spa>', url: () => '/desk', allowed: EVERYONE },
  { route: 'GET /api/docs', url: () => '/api/docs', allowed: EVERYONE },
  { route: 'GET /api/docs/openapi.json', url: () => '/api/docs/openapi.json', allowed: EVERYONE },
  { route: 'POST /auth/login', url: () => `${API}/auth/login`, body: {}, allowed: EVERYONE },
  { route: 'POST /auth/wall', url: () => `${API}/auth/wall`, body: {}, allowed: EVERYONE },
  { route: 'POST /auth/logout', url: () => `${API}/auth/logout`, allowed: EVERYONE },
  { route: 'GET /auth/session', url: () => `${API}/auth/session`, allowed: PEOPLE },
  { route: 'GET /auth/whoami', url: () => `${API}/auth/whoami`, allowed: [...PEOPLE, 'device', 'integration'] },
  { route: 'POST /auth/password', url: () => `${API}/auth/password`, body: {}, allowed: ACCOUNT },
  { route: 'POST /auth/totp/setup', url: () => `${API}/auth/totp/setup`, allowed: ACCOUNT },
  { route: 'POST /auth/totp/enable', url: () => `${API}/auth/totp/enable`, body: {}, allowed: ACCOUNT },
  { route: 'GET /admin/users', url: () => `${API}/admin/users`, allowed: ADMIN },
  { route: 'POST /admin/users', url: () => `${API}/admin/users`, body: {}, allowed: ADMIN },
  { route: 'GET /admin/units', url: () => `${API}/admin/units`, allowed: ADMIN },
  { route: 'PATCH /admin/users/:id', url: (i) => `${API}/admin/users/${i.userB}`, body: {}, allowed: ADMIN },
  { route: 'DELETE /admin/users/:id/sessions', url: (i) => `${API}/admin/users/${i.userB}/sessions`, allowed: ADMIN },
  { route: 'GET /admin/device-keys', url: () => `${API}/admin/device-keys`, allowed: ADMIN },
  { route: 'POST /admin/device-keys', url: () => `${API}/admin/device-keys`, body: {}, allowed: ADMIN },
  {
    route: 'DELETE /admin/device-keys/:id',
    url: () => `${API}/admin/device-keys/00000000-0000-0000-0000-000000000000`,
    allowed: ADMIN,
  },
  { route: 'GET /admin/wall-tokens', url: () => `${API}/admin/wall-tokens`, allowed: ADMIN },
  { route: 'POST /admin/wall-tokens', url: () => `${API}/admin/wall-tokens`, body: {}, allowed: ADMIN },
  { route: 'GET /admin/integration-keys', url: () => `${API}/admin/integration-keys`, allowed: ADMIN },
  { route: 'POST /admin/integration-keys', url: () => `${API}/admin/integration-keys`, body: {}, allowed: ADMIN },
  {
    route: 'DELETE /admin/integration-keys/:id',
    url: () => `${API}/admin/integration-keys/00000000-0000-0000-0000-000000000000`,
    allowed: ADMIN,
  },
  { route: 'GET /admin/devices', url: () => `${API}/admin/devices`, allowed: ADMIN },
  { route: 'POST /admin/devices', url: () => `${API}/admin/devices`, body: {}, allowed: ADMIN },
  {
    route: 'GET /admin/devices/:id',
    url: () => `${API}/admin/devices/00000000-0000-0000-0000-000000000000`,
    allowed: ADMIN,
  },
  {
    route: 'PUT /admin/devices/:id',
    url: () => `${API}/admin/devices/00000000-0000-0000-0000-000000000000`,
    body: {},
    allowed: ADMIN,
  },
  {
    route: 'DELETE /admin/devices/:id',
    url: () => `${API}/admin/devices/00000000-0000-0000-0000-000000000000`,
    allowed: ADMIN,
  },
  // A Hikvision device posting: known by its registration, not a credential (a JSON body is a 415).
  { route: 'POST /devices/isapi', url: () => `${API}/devices/isapi`, body: {}, allowed: EVERYONE },
  // Other agencies' systems (issue 18): CAP for every reading role and integration keys; Open311 for
  // integration keys only (registered public: the key may come in the body, checked in the service).
  { route: 'GET /cap/alerts.atom', url: () => `${API}/cap/alerts.atom`, allowed: CAP },
  { route: 'GET /cap/alarms/:id.xml', url: () => `${API}/cap/alarms/x.xml`, allowed: CAP },
  { route: 'GET /cap/incidents/:id.xml', url: () => `${API}/cap/incidents/x.xml`, allowed: CAP },
  { route: 'GET /open311/v2/services.:format', url: () => `${API}/open311/v2/services.json`, allowed: ['integration'] },
  {
    route: 'GET /open311/v2/services/:code.:format',
    url: () => `${API}/open311/v2/services/noise.json`,
    allowed: ['integration'],
  },
  {
    route: 'POST /open311/v2/requests.:format',
    url: () => `${API}/open311/v2/requests.json`,
    body: {},
    allowed: ['integration'],
  },
  { route: 'GET /open311/v2/requests.:format', url: () => `${API}/open311/v2/requests.json`, allowed: ['integration'] },
  {
    route: 'GET /open311/v2/requests/:id.:format',
    url: () => `${API}/open311/v2/requests/x.json`,
    allowed: ['integration'],
  },
  {
    route: 'DELETE /admin/wall-tokens/:id',
    url: () => `${API}/admin/wall-tokens/00000000-0000-0000-0000-000000000000`,
    allowed: ADMIN,
  },
  { route: 'GET /admin/audit', url: () => `${API}/admin/audit`, allowed: AUDIT },
  { route: 'GET /admin/audit/verify', url: () => `${API}/admin/audit/verify`, allowed: AUDIT },
  { route: 'GET /admin/dead-letters', url: () => `${API}/admin/dead-letters`, allowed: ADMIN },
  { route: 'GET /alarms', url: () => `${API}/alarms`, allowed: ['admin', 'commander', 'dispatcher', 'wall', 'viewer'] },
  {
    route: 'GET /coverage',
    url: () => `${API}/coverage`,
    allowed: ['admin', 'commander', 'dispatcher', 'wall', 'viewer'],
  },
  {
    route: 'GET /coverage/gaps',
    url: () => `${API}/coverage/gaps`,
    allowed: ['admin', 'commander', 'dispatcher', 'wall', 'viewer'],
  },
  { route: 'GET /wall', url: () => `${API}/wall`, allowed: WORLD },
  { route: 'GET /wall/presets', url: () => `${API}/wall/presets`, allowed: WORLD },
  { route: 'PUT /wall/presets/:id', url: () => `${API}/wall/presets/x`, body: {}, allowed: ADMIN },
  { route: 'DELETE /wall/presets/:id', url: () => `${API}/wall/presets/default`, allowed: ADMIN },
  { route: 'GET /major-events', url: () => `${API}/major-events`, allowed: STATS },
  { route: 'POST /major-events', url: () => `${API}/major-events`, body: {}, allowed: ['commander'] },
  { route: 'GET /major-events/:id', url: () => `${API}/major-events/none`, allowed: STATS },
  { route: 'GET /major-events/:id/report', url: () => `${API}/major-events/none/report`, allowed: STATS },
  { route: 'GET /major-events/:id/report.pdf', url: () => `${API}/major-events/none/report.pdf`, allowed: STATS },
  { route: 'PUT /major-events/:id', url: () => `${API}/major-events/none`, body: {}, allowed: ['commander'] },
  { route: 'POST /major-events/:id/close', url: () => `${API}/major-events/none/close`, allowed: ['commander'] },
  {
    route: 'POST /alarms/:id/actions',
    url: () => `${API}/alarms/00000000-0000-0000-0000-000000000000/actions`,
    body: {},
    allowed: ['commander', 'dispatcher'],
  },
  { route: 'GET /rules', url: () => `${API}/rules`, allowed: ADMIN },
  { route: 'PUT /rules/:id', url: () => `${API}/rules/x`, body: {}, allowed: ADMIN },
  { route: 'GET /zones', url: () => `${API}/zones?q=school`, allowed: ADMIN },
  { route: 'GET /stats/kpis', url: () => `${API}/stats/kpis`, allowed: STATS },
  { route: 'GET /stats/breakdown', url: () => `${API}/stats/breakdown?by=category`, allowed: STATS },
  { route: 'GET /stats/grids', url: () => `${API}/stats/grids?month=2026-01`, allowed: STATS },
  { route: 'GET /stats/grids/:code', url: () => `${API}/stats/grids/360102001001001?month=2026-01`, allowed: STATS },
  { route: 'GET /stats/grid-measure', url: () => `${API}/stats/grid-measure?measure=open`, allowed: STATS },
  { route: 'GET /stats/heat', url: () => `${API}/stats/heat?period=today`, allowed: STATS },
  { route: 'POST /events', url: () => `${API}/events`, body: {}, allowed: ['device'] },
  { route: 'GET /world/summary', url: () => `${API}/world/summary`, allowed: WORLD },
  { route: 'GET /layers', url: () => `${API}/layers`, allowed: WORLD },
  { route: 'GET /layers/:file', url: () => `${API}/layers/cameras`, allowed: WORLD },
  { route: 'GET /map/config', url: () => `${API}/map/config`, allowed: WORLD },
  { route: 'GET /basemap/style.json', url: () => `${API}/basemap/style.json`, allowed: WORLD },
  { route: 'GET /basemap/:file', url: () => `${API}/basemap/water.geojson`, allowed: WORLD },
  { route: 'GET /incidents', url: () => `${API}/incidents`, allowed: PEOPLE },
  {
    route: 'POST /incidents',
    url: () => `${API}/incidents`,
    body: {},
    allowed: ['commander', 'dispatcher', 'field', 'device'],
  },
  {
    route: 'POST /incidents/from-alarm/:alarmId',
    url: () => `${API}/incidents/from-alarm/x`,
    allowed: ['commander', 'dispatcher'],
  },
  { route: 'GET /incidents/:id', url: () => `${API}/incidents/x`, allowed: PEOPLE },
  {
    route: 'POST /incidents/:id/actions',
    url: () => `${API}/incidents/x/actions`,
    body: {},
    allowed: ['commander', 'dispatcher', 'field'],
  },
  {
    route: 'POST /incidents/:id/alarms',
    url: () => `${API}/incidents/x/alarms`,
    body: {},
    allowed: ['commander', 'dispatcher'],
  },
  {
    route: 'POST /incidents/:id/mediations',
    url: () => `${API}/incidents/x/mediations`,
    body: {},
    allowed: ['commander', 'dispatcher'],
  },
  {
    route: 'POST /incidents/:id/reveal',
    url: () => `${API}/incidents/x/reveal`,
    body: {},
    allowed: ['commander', 'dispatcher'],
  },
  { route: 'GET /incidents/:id/proposal', url: () => `${API}/incidents/x/proposal`, allowed: PEOPLE },
  { route: 'GET /incidents/:id/merge-candidates', url: () => `${API}/incidents/x/merge-candidates`, allowed: PEOPLE },
  { route: 'GET /sla', url: () => `${API}/sla`, allowed: PEOPLE },
  { route: 'PUT /sla', url: () => `${API}/sla`, body: {}, allowed: ADMIN },
  { route: 'GET /units', url: () => `${API}/units`, allowed: WORLD },
  { route: 'GET /units/trails', url: () => `${API}/units/trails`, allowed: WORLD },
  { route: 'GET /field/home', url: () => `${API}/field/home`, allowed: ['field'] },
  { route: 'POST /field/position', url: () => `${API}/field/position`, body: {}, allowed: ['field'] },
  {
    route: 'POST /photos',
    url: () => `${API}/photos`,
    body: {},
    allowed: ['commander', 'dispatcher', 'field', 'device'],
  },
  { route: 'GET /photos/:id', url: () => `${API}/photos/x`, allowed: PEOPLE },
  { route: 'GET /regions/:code/qr.svg', url: () => `${API}/regions/360102001001/qr.svg`, allowed: WORLD },
  { route: 'POST /public/photos', url: () => `${API}/public/photos`, body: {}, allowed: EVERYONE },
  { route: 'POST /public/reports', url: () => `${API}/public/reports`, body: {}, allowed: EVERYONE },
  { route: 'GET /public/reports/:code', url: () => `${API}/public/reports/NONE`, allowed: EVERYONE },
  {
    route: 'POST /public/reports/:code/rating',
    url: () => `${API}/public/reports/NONE/rating`,
    body: {},
    allowed: EVERYONE,
  },
  { route: 'GET /public/regions/:code', url: () => `${API}/public/regions/360102`, allowed: EVERYONE },
  {
    route: 'USE /streams',
    url: () => '/streams/demo/cam-1/index.m3u8',
    allowed: ['admin', 'commander', 'dispatcher', 'field', 'wall'],
  },
];

/** Every route Express holds, as 'METHOD path' (a RegExp path, the SPA fallback, as '<spa>'). */
function expressRoutes(app: Express): string[] {
  const out: string[] = [];
  type Layer = {
    route?: { path: unknown; methods: Record<string, boolean> };
    handle?: { stack?: Layer[] };
    name?: string;
  };
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = typeof layer.route.path === 'string' ? layer.route.path : '<spa>';
        for (const m of Object.keys(layer.route.methods)) if (m !== '_all') out.push(`${m.toUpperCase()} ${path}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

describe.each(backends.slice(0, 1))('route × role matrix on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  const as: Partial<Record<Who, (path: string, init?: RequestInit) => Promise<Response>>> = {};
  let ids: Ids;
  let admin: Signed;

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    ({ hub, url } = await startHub(testConfig(p.config)));
    admin = await signIn(url, 'admin');
    const create = async (path: string, body: unknown) => {
      const res = await admin.fetch(`${url}${API}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status, path).toBe(201);
      return res.json() as Promise<Record<string, unknown>>;
    };
    await create('/admin/users', {
      username: 'field-1',
      displayName: 'Field one',
      role: 'field',
      scope: '360100',
      password: 'field-pass-2026',
      unitId: 'unit-police-0003',
    });
    const userB = (await create('/admin/users', {
      username: 'viewer-b',
      displayName: 'Viewer B',
      role: 'viewer',
      scope: '360103',
      password: 'viewer-pass-2026',
    })) as { id: string };
    const device = (await create('/admin/device-keys', { name: 'gate sensor', scope: '360102' })) as { secret: string };
    const wall = (await create('/admin/wall-tokens', { name: 'main wall', scope: '360100' })) as { secret: string };
    ids = { userB: userB.id, deviceKey: device.secret, wallToken: wall.secret };

    as.anonymous = (path, init = {}) => fetch(`${url}${path}`, init);
    for (const who of ['admin', 'commander', 'dispatcher', 'viewer'] as const) {
      const s = who === 'admin' ? admin : await signIn(url, who);
      as[who] = (path, init) => s.fetch(`${url}${path}`, init);
    }
    // A demo field account: it belongs to a unit (an account without one is refused its field page).
    const field = await signIn(url, 'police-0001');
    as.field = (path, init) => field.fetch(`${url}${path}`, init);
    // The wall display signs in with its token (the demo `wall` user is a person-kind wall).
    const wallRes = await fetch(`${url}${API}/auth/wall`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: wall.secret }),
    });
    expect(wallRes.status).toBe(200);
    const wallCookie = (wallRes.headers.get('set-cookie') ?? '').split(';')[0]!;
    const wallCsrf = ((await wallRes.json()) as { csrfToken: string }).csrfToken;
    as.wall = (path, init = {}) =>
      fetch(`${url}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), cookie: wallCookie, 'x-csrf-token': wallCsrf },
      });
    const integration = (await create('/admin/integration-keys', { name: 'agency', scope: '360100' })) as {
      secret: string;
    };
    as.integration = (path, init = {}) =>
      fetch(`${url}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${integration.secret}` },
      });
    as.device = (path, init = {}) =>
      fetch(`${url}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${device.secret}` },
      });
  });
  afterAll(async () => {
    await hub?.close();
    await cleanup?.();
  });

  it('lists every route the hub has, and nothing it does not have', () => {
    const actual = expressRoutes(hub.app).sort();
    const listed = MATRIX.map((r) => r.route)
      .filter((r) => !r.startsWith('USE '))
      .sort();
    expect(actual).toEqual(listed);
    // And every API route went through the registry (so it has a guard).
    expect(hub.routes.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort()).toEqual(
      listed.filter(
        (r) =>
          ![
            'GET /healthz',
            'GET /readyz',
            'GET /metrics',
            'GET <spa>',
            'GET /api/docs',
            'GET /api/docs/openapi.json',
          ].includes(r),
      ),
    );
  });

  it.each(MATRIX)('$route answers each principal as the matrix says', async (row) => {
    const [method] = row.route.split(' ') as [string];
    for (const who of EVERYONE) {
      // Logout would end the session the other rows use: it runs anonymously only.
      if (row.route === 'POST /auth/logout' && who !== 'anonymous') continue;
      const init: RequestInit = { method: method === 'USE' ? 'GET' : method };
      if (row.body !== undefined)
        Object.assign(init, { headers: { 'content-type': 'application/json' }, body: JSON.stringify(row.body) });
      const res = await as[who]!(row.url(ids), init);
      const allowed = row.allowed.includes(who);
      if (allowed)
        expect([401, 403], `${who} ${row.route} → ${res.status} ${await res.clone().text()}`).not.toContain(res.status);
      else
        expect(res.status, `${who} ${row.route}`).toBe(
          who === 'anonymous' || (row.route === 'GET /metrics' && (who === 'device' || who === 'integration'))
            ? 401
            : 403,
        );
      // Open311's errors are the standard's list [{code, description}], not the hub's body.
      if (!allowed && res.status !== 404 && !row.route.includes('/open311/')) {
        const body = (await res.json()) as { error: { code: string } };
        expect(body.error.code).toMatch(/^auth\//);
      }
    }
  });

  it('keeps a district admin and a district dispatcher inside their district', async () => {
    const create = await admin.fetch(`${url}${API}/admin/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'admin-a',
        displayName: 'Admin A',
        role: 'admin',
        scope: '360102',
        password: 'admin-a-pass-2026',
      }),
    });
    expect(create.status).toBe(201);
    const adminA = await signIn(url, 'admin-a', 'admin-a-pass-2026');
    const patch = (id: string, body: unknown) =>
      adminA.fetch(`${url}${API}/admin/users/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // Out of scope: the viewer of district 360103, and handing out a scope outside 360102.
    const out = await patch(ids.userB, { displayName: 'x' });
    expect(out.status).toBe(403);
    expect(((await out.json()) as { error: { message: string } }).error.message).toMatch(/outside scope 360102/);
    const users = (await (await adminA.fetch(`${url}${API}/admin/users`)).json()) as {
      users: { username: string; scope: string }[];
    };
    expect(users.users.every((u) => u.scope.startsWith('360102'))).toBe(true);
    expect(users.users.map((u) => u.username)).toContain('dispatcher-360102');
    const dA = users.users.find((u) => u.username === 'dispatcher-360102') as unknown as { id: string };
    expect((await patch(dA.id, { displayName: 'Dispatcher A' })).status).toBe(200);
    expect((await patch(dA.id, { scope: '360103' })).status).toBe(403);
    const key = await adminA.fetch(`${url}${API}/admin/device-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'k', scope: '360103' }),
    });
    expect(key.status).toBe(403);
    // The audit log covers the whole city: a district admin may not read it.
    expect((await adminA.fetch(`${url}${API}/admin/audit`)).status).toBe(403);
  });
});
