/**
 * Property-based fuzzing (fast-check) of every JSON endpoint: whatever body or query arrives,
 * the hub answers below 500, and every 4xx carries a coded error whose message, for a bad input,
 * names the field (`body.username: …`). The endpoints come from the route registry, so a new
 * one is fuzzed without a line here.
 *
 * Issue 13: fast-check's default strings never hold U+0000 or a lone surrogate, which PostgreSQL
 * cannot store. Every route of the registry is also sent full-Unicode and binary strings in its
 * body fields and keys, its query and its path parameters, as a principal that may call it (public
 * routes with no account), on both backends: never a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { backends, signIn, startHub, testConfig, TEST_PASSWORD, type Signed } from './helpers';
import type { Hub } from '@server/app';
import { decide, type PrincipalRole } from '@server/auth/policy';
import type { RouteSpec } from '@server/http/auth';

const FIELDS = [
  'kind',
  'eventTypes',
  'zoneKinds',
  'priority',
  'actions',
  'enabled',
  'window',
  'action',
  'id',
  'source',
  'type',
  'at',
  'location',
  'deviceId',
  'severity',
  'attributes',
  'media',
  'username',
  'password',
  'otp',
  'token',
  'current',
  'next',
  'code',
  'displayName',
  'role',
  'scope',
  'disabled',
  'resetTotp',
  'name',
  'events',
];

/** Bodies: any JSON, objects with our field names and wild values, and text that is not JSON at all. */
const jsonBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .dictionary(
      fc.constantFrom(...FIELDS),
      fc.oneof(
        fc.jsonValue(),
        fc.string(),
        fc.constantFrom('admin', '360100', '360102', 'dispatcher', '123456', '', 'x'.repeat(300)),
      ),
    )
    .map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{',
    '[',
    '"',
    'null',
    '{"username":',
    '\u0000',
    '{"__proto__":{"role":"admin"}}',
    '{"constructor":{"prototype":{"x":1}}}',
  ),
);

const QUERY_KEYS = ['actor', 'action', 'outcome', 'from', 'to', 'q', 'before', 'limit', 'x'];
const query = fc.dictionary(
  fc.constantFrom(...QUERY_KEYS),
  fc.oneof(
    fc.string({ maxLength: 50 }),
    fc.integer().map(String),
    fc.constantFrom('2026-11-22T10:00:00+08:00', 'ok', '-1', '1e9', 'NaN', '%', '[]'),
  ),
);

/** Strings PostgreSQL cannot store, and strings it can that look alike. */
const BAD_TEXT = [
  '\u0000',
  '\ud800',
  '\udbff',
  '\udc00x',
  'a\u0000b',
  '\ud83d',
  'x\udfff',
  '\u0000\ud800',
  '😀',
  '中文',
  '\ud83d\ude00',
];
const nasty = fc.oneof(
  fc.constantFrom(...BAD_TEXT),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 24 }),
  // A bad unit in the middle of full Unicode.
  fc
    .tuple(
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.constantFrom('\u0000', '\ud800', '\udc00'),
      fc.string({ unit: 'grapheme', maxLength: 8 }),
    )
    .map(([a, b, c]) => a + b + c),
);

/**
 * Percent-encoding of a string's UTF-16 units as WTF-8 (a lone surrogate as its three bytes, which
 * are not UTF-8): the only way such a unit can travel in a URL.
 */
function wtf8(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    if (cp >= 0xd800 && cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
      i++;
    }
    if (cp < 0x80 && /[A-Za-z0-9_.~-]/.test(String.fromCharCode(cp))) {
      out += String.fromCharCode(cp);
      continue;
    }
    const bytes =
      cp < 0x80
        ? [cp]
        : cp < 0x800
          ? [0xc0 | (cp >> 6), 0x80 | (cp & 63)]
          : cp < 0x10000
            ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
            : [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
    out += bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return out;
}

const AT = '2026-11-22T20:00:00+08:00';
const LOCATION = { lon: 115.89, lat: 28.68 };
/** A valid-looking body per route, so the bad text reaches past the shape into the fields. */
function template(ep: Pick<RouteSpec, 'method' | 'path' | 'access'>): Record<string, unknown> {
  const p = ep.path;
  if (p === '/events')
    return { id: 'fuzz-1', source: 'camera', type: 'stranger', at: AT, location: LOCATION, attributes: { note: 'x' } };
  if (p === '/auth/login') return { username: 'admin', password: 'wrong-password' };
  if (p === '/auth/wall') return { token: 'x'.repeat(40) };
  if (p === '/auth/password') return { current: 'wrong-password', next: 'a-new-password-2026' };
  if (p === '/auth/totp/enable') return { code: '123456' };
  if (p === '/admin/users' && ep.method === 'post')
    return { username: 'fuzz-user', displayName: 'Fuzz', role: 'viewer', scope: '360102', password: 'fuzz-user-pass' };
  if (p === '/admin/users/:id') return { displayName: 'Fuzz' };
  if (p === '/admin/device-keys' || p === '/admin/wall-tokens' || p === '/admin/integration-keys')
    return { name: 'fuzz', scope: '360102' };
  if (p === '/admin/devices' || p === '/admin/devices/:id')
    return {
      kind: 'gb28181',
      name: 'fuzz',
      scope: '360102',
      enabled: true,
      foldSeconds: 30,
      gb28181: { deviceId: '34020000001320000777', charset: 'gbk', channels: {} },
    };
  if (p === '/open311/v2/requests.:format')
    return { service_code: 'noise', lat: LOCATION.lat, long: LOCATION.lon, description: 'fuzz', api_key: 'cik_x' };
  if (p === '/rules/:id')
    return {
      id: 'fuzz-rule',
      name: 'Fuzz',
      kind: 'zone',
      eventTypes: ['stranger'],
      zoneKinds: ['school'],
      priority: 3,
      actions: [],
      enabled: false,
    };
  if (p === '/alarms/:id/actions') return { action: 'acknowledge' };
  if (p === '/incidents' && ep.method === 'post')
    return {
      category: 'noise',
      priority: 4,
      title: 'fuzz',
      description: 'd',
      location: LOCATION,
      reporter: { name: 'n', phone: '1' },
    };
  if (p === '/incidents/:id/actions')
    return { action: 'cancel', version: 1, note: 'n', unitIds: ['u-1'], intoId: 'i-1' };
  if (p === '/incidents/:id/alarms') return { alarmId: 'a-1', version: 1 };
  if (p === '/incidents/:id/mediations')
    return { version: 1, channel: 'people', mediator: 'm', note: 'n', outcome: 'ongoing' };
  if (p === '/field/position') return { ...LOCATION, accuracy: 5, at: AT };
  if (p === '/public/reports')
    return {
      category: 'noise',
      description: 'loud',
      location: LOCATION,
      address: 'a',
      contact: { name: 'n', phone: '1' },
      parties: [{ name: 'p', idKey: 'k' }],
    };
  if (p === '/public/reports/:code/rating') return { score: 5, comment: 'ok' };
  return { name: 'x' };
}

/** Query keys the GET routes read (and some they do not). */
const GET_KEYS = [
  'since',
  'status',
  'category',
  'priority',
  'region',
  'source',
  'kind',
  'flagged',
  'unit',
  'sort',
  'limit',
  'cursor',
  'actor',
  'action',
  'outcome',
  'from',
  'to',
  'q',
  'before',
  'form',
  'x',
];

describe.each(backends)('fuzzing JSON endpoints on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let hub: Hub;
  let url: string;
  let admin: Signed;
  let targetId: string;
  let deviceKey: string;
  /** fetch as each kind of principal (no entry: no account). */
  const as = new Map<PrincipalRole, (url: string, init?: RequestInit) => Promise<Response>>();
  // The generic fuzzing of shapes runs once (PGlite); the unstorable text runs on every backend.
  const firstBackend = backend === backends[0];

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    ({ hub, url } = await startHub(
      testConfig({
        ...p.config,
        auth: {
          demoPassword: TEST_PASSWORD,
          rateLimits: { userPerMin: 1e6, addressPerMin: 1e6, loginPer15Min: 1e6, citizenPerHour: 1e6 },
        },
      }),
    ));
    admin = await signIn(url, 'admin');
    const res = await admin.fetch(`${url}/api/v1/admin/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'fuzz-target',
        displayName: 'Fuzz target',
        role: 'viewer',
        scope: '360102',
        password: 'fuzz-target-pass',
      }),
    });
    targetId = ((await res.json()) as { id: string }).id;
    const key = await admin.fetch(`${url}/api/v1/admin/device-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'fuzz', scope: '360100' }),
    });
    deviceKey = ((await key.json()) as { secret: string }).secret;
    await admin.fetch(`${url}/api/v1/admin/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'fuzz-field',
        displayName: 'Fuzz field',
        role: 'field',
        scope: '360100',
        password: 'fuzz-field-pass',
        // A field account belongs to a unit (one without a demo account of its own).
        unitId: 'unit-police-0003',
      }),
    });
    const fetchOf = (s: Signed) => (u: string, init?: RequestInit) => s.fetch(u, init);
    as.set('admin', fetchOf(admin));
    for (const role of ['commander', 'dispatcher', 'viewer'] as const) as.set(role, fetchOf(await signIn(url, role)));
    as.set('field', fetchOf(await signIn(url, 'fuzz-field', 'fuzz-field-pass')));
    as.set('device', (u, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${deviceKey}`);
      return fetch(u, { ...init, headers });
    });
  });
  afterAll(async () => {
    await hub?.close();
    await cleanup?.();
  });

  async function expectCleanAnswer(res: Response, what: string): Promise<void> {
    const text = await res.text();
    expect(res.status, `${what} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(500);
    // Open311's refusals are the standard's list [{code, description}], naming the field first.
    if (res.status >= 400 && /\/open311\//.test(what)) {
      const list = JSON.parse(text) as { code: number; description: string }[];
      expect(list[0]!.code, what).toBe(res.status);
      expect(list[0]!.description.length, what).toBeGreaterThan(0);
      return;
    }
    if (res.status >= 400) {
      const body = JSON.parse(text) as { error: { code: string; message: string } };
      expect(typeof body.error.code, what).toBe('string');
      expect(body.error.message.length, what).toBeGreaterThan(0);
      // The field's path first: `query.<key>: …`. A fuzzed key may itself hold ':' (seed 586001043
      // sent the key ':\0'), so the path runs to the first ': ' rather than the first ':'.
      if (body.error.code === 'request/invalid')
        expect(body.error.message, what).toMatch(/^(body|query|params)\b.*?: /s);
      // Never a stack trace or SQL in an answer.
      expect(text, what).not.toMatch(/\bat .+\.(ts|js):\d+|select .+ from|insert into|Failed query/i);
    }
  }

  it.runIf(firstBackend)(
    'answers every body sent to every POST/PATCH/PUT endpoint below 500, naming the bad field',
    async () => {
      const endpoints = hub.routes.filter(
        (r) => (r.method === 'post' || r.method === 'patch' || r.method === 'put') && r.path !== '/auth/logout',
      );
      expect(endpoints.length).toBeGreaterThanOrEqual(8);
      for (const ep of endpoints) {
        const path = `/api/v1${ep.path.replace(':id', ep.path.startsWith('/rules') ? 'fuzz-rule' : targetId)}`;
        await fc.assert(
          fc.asyncProperty(jsonBody, fc.boolean(), async (body, asJson) => {
            const headers = { 'content-type': asJson ? 'application/json' : 'text/plain' };
            // Ingestion takes device keys; everything else the admin's session.
            const res =
              typeof ep.access === 'object' && ep.access.action === 'ingest:write'
                ? await fetch(`${url}${path}`, {
                    method: 'POST',
                    headers: { ...headers, authorization: `Bearer ${deviceKey}` },
                    body,
                  })
                : await admin.fetch(`${url}${path}`, { method: ep.method.toUpperCase(), headers, body });
            await expectCleanAnswer(res, `${ep.method.toUpperCase()} ${ep.path} ${body.slice(0, 80)}`);
          }),
          { numRuns: ep.path === '/auth/login' || ep.path === '/auth/wall' ? 40 : 60 },
        );
      }
    },
  );

  it.runIf(firstBackend)('answers every query of the audit search below 500, naming the bad parameter', async () => {
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const res = await admin.fetch(`${url}/api/v1/admin/audit?${new URLSearchParams(q).toString()}`);
        await expectCleanAnswer(res, `GET /admin/audit?${new URLSearchParams(q).toString()}`);
      }),
      { numRuns: 150 },
    );
  });

  it.runIf(firstBackend)('answers odd ids in paths with 404, never 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 60 }), async (id) => {
        const enc = encodeURIComponent(id);
        for (const [method, path] of [
          ['PATCH', `/admin/users/${enc}`],
          ['DELETE', `/admin/users/${enc}/sessions`],
          ['DELETE', `/admin/device-keys/${enc}`],
          ['GET', `/layers/${enc}`],
        ] as const) {
          const init: RequestInit =
            method === 'PATCH'
              ? { method, headers: { 'content-type': 'application/json' }, body: '{"displayName":"x"}' }
              : { method };
          const res = await admin.fetch(`${url}/api/v1${path}`, init);
          await expectCleanAnswer(res, `${method} ${path}`);
        }
      }),
      { numRuns: 60 },
    );
  });

  /** Who calls a route: no account for public ones, else the first principal whose role may. */
  function caller(ep: RouteSpec): {
    who: PrincipalRole | 'anonymous';
    fetch: (url: string, init?: RequestInit) => Promise<Response>;
  } {
    if (ep.access === 'public') return { who: 'anonymous', fetch: (u, init) => fetch(u, init) };
    if (ep.access === 'authenticated') return { who: 'admin', fetch: as.get('admin')! };
    const action = ep.access.action;
    const who = (['admin', 'commander', 'dispatcher', 'field', 'viewer', 'device'] as const).find(
      (r) => decide({ id: 'fuzz', role: r, scope: '360100' }, action).allow,
    );
    if (!who) throw new Error(`no principal may ${action}`);
    return { who, fetch: as.get(who)! };
  }

  it('answers unstorable text (NUL, lone surrogates, binary) in every body field, key, query and path parameter of every route below 500', async () => {
    const routes = hub.routes.filter((r) => r.path !== '/auth/logout');
    expect(routes.length).toBeGreaterThanOrEqual(50);
    const counts = { requests: 0, unstorable: 0 };
    for (const ep of routes) {
      const { who, fetch: call } = caller(ep);
      const hasBody = ep.method !== 'get' && ep.method !== 'delete';
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            params: fc.array(
              nasty.map((v) => (v === '' ? '\u0000' : v)),
              { minLength: 3, maxLength: 3 },
            ),
            query: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...GET_KEYS), nasty), nasty), { maxLength: 2 }),
            mutation: fc.constantFrom('value', 'key', 'nested', 'attributes', 'batch', 'none'),
            pick: fc.nat(),
            bad: nasty,
          }),
          async ({ params, query, mutation, pick, bad }) => {
            let n = 0;
            // Path parameters: the first is nasty; the rest plausible, so a deeper one is reached too.
            const path = ep.path.replace(/:(\w+)/g, () => (n++ === pick % 2 ? wtf8(params[n - 1]!) : 'x'));
            const qs = query.map(([k, v]) => `${wtf8(k)}=${wtf8(v)}`).join('&');
            const body: Record<string, unknown> = template(ep);
            const keys = Object.keys(body);
            const k = keys[pick % keys.length]!;
            if (mutation === 'value') body[k] = bad;
            else if (mutation === 'key') body[bad] = 'x';
            else if (mutation === 'nested') body[k] = { [bad]: [bad, { deeper: bad }] };
            else if (mutation === 'attributes') body.attributes = { note: bad, [`k${bad}`]: 1 };
            const sent =
              mutation === 'batch' && ep.path === '/events' ? { events: [template(ep), { ...body, id: bad }] } : body;
            const init: RequestInit = hasBody
              ? {
                  method: ep.method.toUpperCase(),
                  headers: { 'content-type': 'application/json' },
                  body: JSON.stringify(sent),
                }
              : { method: ep.method.toUpperCase() };
            const res = await call(`${url}/api/v1${path}${qs ? `?${qs}` : ''}`, init);
            counts.requests++;
            if (res.status === 400 && /must not contain (U\+0000|a lone surrogate)/.test(await res.clone().text()))
              counts.unstorable++;
            await expectCleanAnswer(
              res,
              `${who} ${ep.method.toUpperCase()} ${ep.path} → ${path}?${qs} ${JSON.stringify(sent).slice(0, 120)}`,
            );
          },
        ),
        { numRuns: 8 },
      );
    }
    // Much of it was refused at the boundary for its text, by name (the rest for other reasons).
    expect(counts.unstorable, JSON.stringify(counts)).toBeGreaterThan(routes.length);
  }, 180_000);

  it('refuses NUL in a path parameter and in a query with 400 naming it, for public and signed-in routes', async () => {
    const d = as.get('dispatcher')!;
    for (const [res, want] of [
      [await d(`${url}/api/v1/incidents/%00`), /^params\.id: must not contain U\+0000$/],
      [await d(`${url}/api/v1/incidents/a%00b/proposal`), /^params\.id: must not contain U\+0000$/],
      [await fetch(`${url}/api/v1/public/reports/%00`), /^params\.code: must not contain U\+0000$/],
      [await d(`${url}/api/v1/incidents?cursor=%00`), /^query\.cursor: must not contain U\+0000$/],
      [await d(`${url}/api/v1/incidents?x%00=1`), /^query\.x\\u0000: the key must not contain U\+0000$/],
      [await d(`${url}/api/v1/incidents/%ED%A0%80`), /^params: /],
    ] as const) {
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('request/invalid');
      expect(body.error.message).toMatch(want);
    }
  });

  it('refuses NUL and lone surrogates on /auth/login and /public/reports with no account, naming the field', async () => {
    const post = (path: string, body: string) =>
      fetch(`${url}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    for (const [path, body, want] of [
      ['/auth/login', '{"username":"admin\\u0000","password":"x"}', 'body.username: must not contain U+0000'],
      [
        '/auth/login',
        '{"username":"admin","password":"\\ud800"}',
        'body.password: must not contain a lone surrogate (U+D800)',
      ],
      [
        '/public/reports',
        JSON.stringify({
          ...template({ method: 'post', path: '/public/reports', access: 'public' }),
          description: 'noise\udc00',
        }),
        'body.description: must not contain a lone surrogate (U+DC00)',
      ],
      [
        '/public/reports',
        JSON.stringify({
          ...template({ method: 'post', path: '/public/reports', access: 'public' }),
          contact: { name: '\u0000' },
        }),
        'body.contact.name: must not contain U+0000',
      ],
    ] as const) {
      const res = await post(path, body);
      const text = await res.text();
      expect(res.status, `${path} ${body} → ${text}`).toBe(400);
      expect((JSON.parse(text) as { error: { message: string } }).error.message).toBe(want);
    }
  });

  it('refuses a body nested 7,000 deep with 400 naming the field, on any route (the hub stays up)', async () => {
    const deep = `${'{"a":'.repeat(7000)}1${'}'.repeat(7000)}`;
    const withDeep = (path: string, field: string) => {
      const t = template({ method: 'post', path, access: 'public' });
      return JSON.stringify(t).replace(/}$/, `,"${field}":${deep}}`);
    };
    const device = as.get('device')!;
    const post = (f: (u: string, init?: RequestInit) => Promise<Response>, path: string, body: string) =>
      f(`${url}/api/v1${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    for (const [res, field] of [
      [
        await post(device, '/events', withDeep('/events', 'attributes').replace('"attributes":{"note":"x"},', '')),
        'attributes',
      ],
      [
        await post(
          fetch,
          '/public/reports',
          withDeep('/public/reports', 'contact').replace(/"contact":\{[^}]*\},/, ''),
        ),
        'contact',
      ],
      [
        await post(
          as.get('dispatcher')!,
          '/incidents',
          withDeep('/incidents', 'reporter').replace(/"reporter":\{[^}]*\}/, '"x":1'),
        ),
        'reporter',
      ],
    ] as const) {
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('request/invalid');
      expect(body.error.message).toMatch(new RegExp(`^body\\.${field}\\.a\\.a.*: nested deeper than \\d+ levels$`));
    }
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });
});
