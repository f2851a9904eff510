/**
 * Open311 GeoReport v2 on a real hub (issue 18): an integration key made through the admin API
 * (POST /admin/integration-keys), a request filed with real curl and --data-urlencode (api_key in
 * the form) and read back by its id in JSON and XML (xmllint checks the XML), the list's filters,
 * the key's scope (a location outside it is refused, others' requests are not listed), each bad
 * field a 400 in the spec's error list, and fuzz (binary, NUL, lone surrogates in every field, form
 * and JSON) that never gets a 500.
 *
 * Until the routes are wired into the hub's API (server/routes/index.ts), the test mounts them
 * itself on the hub's own components behind the same chain (JSON parser, storable check, credential,
 * CSRF); once wired, it uses the hub's. One backend: PostgreSQL when TEST_DATABASE_URL is set.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { request as httpRequest, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import express from 'express';
import cookieParser from 'cookie-parser';
import { pino } from 'pino';
import { backends, signIn, startHub, testConfig, TEST_PASSWORD } from './helpers';
import type { Hub } from '@server/app';
import { authSettings } from '@server/core/config';
import { systemClock } from '@server/core/clock';
import { errorHandler, storableInput } from '@server/core/http-errors';
import { ApiRoutes, authenticate, csrfGuard } from '@server/http/auth';
import { open311ChainErrors, open311Routes } from '@server/routes/open311';
import { Open311Service } from '@server/services/open311.service';
import { generateDemoCity } from '@server/demo';
import { citizenReportReply, citizenStatus } from '@shared/incidents';
import {
  open311Created,
  open311Errors,
  open311Request,
  open311ServiceDefinition,
  open311ServiceEntry,
  w3cTime,
} from '@shared/open311';
import type { LonLat } from '@shared/world';
import { z } from 'zod';

const run = promisify(execFile);
const API = '/api/v1';
const backend = backends.at(-1)!;

/** curl, returning the status, the content type and the body. */
async function curl(args: string[]): Promise<{ status: number; type: string; body: string }> {
  const { stdout } = await run('curl', ['-sS', '-w', '\n%{http_code} %{content_type}', ...args], {
    maxBuffer: 16 << 20,
  });
  const cut = stdout.lastIndexOf('\n');
  const [status, ...type] = stdout.slice(cut + 1).split(' ');
  return { status: Number(status), type: type.join(' '), body: stdout.slice(0, cut) };
}

/** xmllint --noout - on the text: throws on a document that is not well-formed. */
function xmllint(xml: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile('xmllint', ['--noout', '-'], (err, _out, stderr) =>
      err ? reject(new Error(`xmllint: ${stderr}`)) : resolve(),
    );
    child.stdin!.end(xml);
  });
}

interface Sent {
  status: number;
  type: string;
  text: string;
}

/**
 * One request on its own connection (node:http, no agent): the fuzz sends hundreds of requests, and
 * a POST on a pooled keep-alive socket the server is just closing fails in the client, not the hub.
 */
function sendTo(base: string, method: string, path: string, type?: string, body?: string): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${base}${path}`,
      { method, agent: false, headers: type ? { 'content-type': type } : {} },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            type: res.headers['content-type'] ?? '',
            text: Buffer.concat(parts).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const errorList = open311Errors.length(1);

describe(`Open311 GeoReport v2 on ${backend.name}`, () => {
  let hub: Hub;
  let url: string;
  /** The Open311 base URL (…/open311/v2). */
  let base: string;
  let own: Server | undefined;
  let cleanup: () => Promise<void>;
  /** The key of the district of `inside`; a point in another district. */
  let key: string;
  let inside: LonLat;
  let outside: LonLat;
  let district: string;

  const city = generateDemoCity({ scale: 'small', seed: 7 });

  /** A form POST with fetch (the curl test shows the real client; this one is for tables of cases). */
  const postForm = (fields: Record<string, string>, fmt = 'json') =>
    fetch(`${base}/requests.${fmt}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  const send = (method: string, path: string, type?: string, body?: string) => sendTo(base, method, path, type, body);
  const getJson = async (path: string) => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, body: (await res.json()) as unknown };
  };

  const validForm = (): Record<string, string> => ({
    api_key: key,
    service_code: 'noise',
    lat: String(inside[1]),
    long: String(inside[0]),
    description: '楼下商铺音响很吵',
  });

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    const config = testConfig({
      ...p.config,
      auth: {
        demoPassword: TEST_PASSWORD,
        rateLimits: { userPerMin: 1e6, addressPerMin: 1e6, loginPer15Min: 1e6, citizenPerHour: 1e6 },
      },
    });
    ({ hub, url } = await startHub(config));
    const s = hub.services();
    if (hub.routes.some((r) => r.path.startsWith('/open311/'))) base = `${url}${API}/open311/v2`;
    else {
      // Not wired yet: the same chain as server/routes/index.ts, on this hub's components.
      const api = new ApiRoutes(s.audit);
      const open311 = new Open311Service(
        s.repositories.incidents,
        s.incidents.citizens,
        s.locator,
        s.audit,
        systemClock,
      );
      open311Routes(api, { open311, auth: s.auth, citizenLimit: (_req, _res, next) => next() });
      const app = express();
      app.use(
        API,
        express.json({ limit: '256kb' }),
        storableInput({ maxDepth: 32 }),
        cookieParser(),
        authenticate(s.auth),
        csrfGuard(authSettings(config)),
        api.router,
        open311ChainErrors,
      );
      app.use(errorHandler(pino({ level: 'silent' })));
      own = app.listen(0, '127.0.0.1');
      await new Promise((r) => own!.once('listening', r));
      base = `http://127.0.0.1:${(own.address() as AddressInfo).port}${API}/open311/v2`;
    }

    // Two grid workers' spots in different districts: the key's district, and another.
    const located: { p: LonLat; grid: string }[] = [];
    for (const u of city.units.filter((x) => x.kind === 'grid_worker').slice(0, 200)) {
      const grid = await s.locator.locate(u.position);
      if (grid) located.push({ p: u.position, grid });
    }
    const a = located[0]!;
    const b = located.find((x) => x.grid.slice(0, 6) !== a.grid.slice(0, 6))!;
    inside = a.p;
    outside = b.p;
    district = a.grid.slice(0, 6);

    const admin = await signIn(url, 'admin', TEST_PASSWORD);
    const res = await admin.fetch(`${url}${API}/admin/integration-keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: '12345 热线系统', scope: district }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    key = ((await res.json()) as { secret: string }).secret;
    expect(key).toMatch(/^cik_/);
  }, 120_000);

  afterAll(async () => {
    await new Promise((r) => (own ? own.close(r) : r(undefined)));
    await hub?.close();
    await cleanup?.();
  });

  it('files a request with curl (a form) and reads it back in JSON and XML, without personal data', async () => {
    const post = await curl([
      `${base}/requests.json`,
      ...['api_key', key, 'service_code', 'noise', 'lat', String(inside[1]), 'long', String(inside[0])].flatMap(
        (v, i, a) => (i % 2 === 0 ? ['--data-urlencode', `${v}=${a[i + 1]}`] : []),
      ),
      '--data-urlencode',
      'description=凌晨两点 KTV 还在唱 & <很吵>',
      '--data-urlencode',
      'address_string=丰和中大道 1 号',
      '--data-urlencode',
      'first_name=三',
      '--data-urlencode',
      'last_name=张',
      '--data-urlencode',
      'phone=13800138000',
      '--data-urlencode',
      'email=zhang@example.cn',
      '--data-urlencode',
      'account_id=acct-9',
      '--data-urlencode',
      'attribute[floor]=3',
    ]);
    expect(post.status, post.body).toBe(201);
    expect(post.type).toMatch(/^application\/json/);
    const [created] = z.array(open311Created).length(1).parse(JSON.parse(post.body));
    expect(created!.service_request_id).toMatch(/^E\d{8}-\d{6}$/);
    expect(created!.account_id).toBe('acct-9');
    const tracking = /[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(created!.service_notice)![0];

    // The same path as the citizen's page: the citizen follows it by the tracking code.
    const status = citizenStatus.parse(await (await fetch(`${url}${API}/public/reports/${tracking}`)).json());
    expect(status).toMatchObject({ code: created!.service_request_id, category: 'noise', status: 'reported' });

    const id = created!.service_request_id;
    const json = await curl(['-H', `Authorization: Bearer ${key}`, `${base}/requests/${id}.json`]);
    expect(json.status, json.body).toBe(200);
    const [view] = z.array(open311Request).length(1).parse(JSON.parse(json.body));
    expect(view).toMatchObject({
      service_request_id: id,
      status: 'open',
      service_code: 'noise',
      service_name: '噪音扰民',
      description: '凌晨两点 KTV 还在唱 & <很吵>',
      address: '丰和中大道 1 号',
      agency_responsible: '生态环境',
    });
    expect(view!.requested_datetime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    expect(view!.expected_datetime ?? '').toMatch(/^$|\+08:00$/);
    expect(view!.lat).toBeCloseTo(inside[1], 5);
    expect(view!.long).toBeCloseTo(inside[0], 5);

    const xml = await curl([`${base}/requests/${id}.xml?api_key=${key}`]);
    expect(xml.status, xml.body).toBe(200);
    expect(xml.type).toBe('text/xml; charset=utf-8');
    await xmllint(xml.body);
    expect(xml.body).toContain(`<service_requests><request><service_request_id>${id}</service_request_id>`);
    expect(xml.body).toContain('<description>凌晨两点 KTV 还在唱 &amp; &lt;很吵&gt;</description>');

    const list = await curl(['-H', `Authorization: Bearer ${key}`, `${base}/requests.xml`]);
    expect(list.status).toBe(200);
    await xmllint(list.body);
    for (const text of [json.body, xml.body, list.body, (await getJson('/requests.json')).body].map((b) =>
      typeof b === 'string' ? b : JSON.stringify(b),
    )) {
      for (const secret of [tracking, '张三', '13800138000', 'zhang@example.cn', 'acct-9'])
        expect(text).not.toContain(secret);
    }
  });

  it('filters the list: ids, service, status, window', async () => {
    const filed = async (service_code: string) => {
      const res = await postForm({ ...validForm(), service_code });
      expect(res.status).toBe(201);
      return z.array(open311Created).parse(await res.json())[0]!.service_request_id;
    };
    const a = await filed('sanitation');
    const b = await filed('illegal_parking');
    const ids = async (q: string) => {
      const r = await getJson(`/requests.json${q}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return z
        .array(open311Request)
        .parse(r.body)
        .map((x) => x.service_request_id);
    };
    expect(await ids('')).toEqual(expect.arrayContaining([a, b]));
    expect(await ids(`?service_request_id=${a},${b},E19990101-000001`)).toEqual([b, a]);
    // The other filters are ignored with ids, as the spec says.
    expect(await ids(`?service_request_id=${a}&status=closed`)).toEqual([a]);
    const sanitation = await ids('?service_code=sanitation');
    expect(sanitation).toContain(a);
    expect(sanitation).not.toContain(b);
    expect(await ids('?service_code=sanitation,illegal_parking')).toEqual(expect.arrayContaining([a, b]));
    expect(await ids('?status=open')).toEqual(expect.arrayContaining([a, b]));
    expect(await ids('?status=closed')).not.toContain(a);
    const at = (ms: number) => encodeURIComponent(w3cTime(new Date(Date.now() + ms)));
    expect(await ids(`?start_date=${at(3_600_000)}`)).toEqual([]);
    expect(await ids(`?end_date=${at(-3_600_000)}`)).toEqual([]);
    expect(await ids(`?start_date=${at(-3_600_000)}`)).toEqual(expect.arrayContaining([a, b]));
    expect(await ids(`?end_date=2099-01-01T00:00:00Z`)).toEqual([]);
    expect(await ids(`?start_date=${at(-3_600_000)}&end_date=${at(3_600_000)}`)).toEqual(
      expect.arrayContaining([a, b]),
    );
    expect(await getJson(`/requests.json?start_date=${at(0)}&end_date=${at(-1000)}`)).toEqual({
      status: 400,
      body: [{ code: 400, description: 'start_date: must not be after end_date' }],
    });
    expect(
      await getJson('/requests.json?start_date=2025-01-01T00:00:00%2B08:00&end_date=2025-06-01T00:00:00Z'),
    ).toEqual({
      status: 400,
      body: [{ code: 400, description: 'end_date: the window may span at most 90 days from start_date' }],
    });
  });

  it('keeps to the key’s scope', async () => {
    const res = await postForm({ ...validForm(), lat: String(outside[1]), long: String(outside[0]) });
    expect(res.status).toBe(403);
    const [err] = errorList.parse(await res.json());
    expect(err!.code).toBe(403);
    expect(err!.description).toMatch(/^lat, long: .* lies outside this key's scope \d+$/);

    // A citizen's report in the other district, through the citizen page.
    const other = await fetch(`${url}${API}/public/reports`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        category: 'noise',
        description: '别处的噪音',
        location: { lon: outside[0], lat: outside[1] },
      }),
    });
    expect(other.status).toBe(201);
    const { code } = citizenReportReply.parse(await other.json());
    const list = await getJson('/requests.json');
    expect(
      z
        .array(open311Request)
        .parse(list.body)
        .map((x) => x.service_request_id),
    ).not.toContain(code);
    expect((await getJson(`/requests.json?service_request_id=${code}`)).body).toEqual([]);
    const one = await getJson(`/requests/${code}.json`);
    expect(one.status).toBe(403);
    expect(errorList.parse(one.body)[0]!.description).toBe(
      `service_request_id "${code}" lies outside scope ${district}`,
    );
  });

  it('lists the services and their definitions', async () => {
    const list = await getJson('/services.json');
    expect(list.status).toBe(200);
    const services = z.array(open311ServiceEntry).parse(list.body);
    expect(services.find((s) => s.service_code === 'noise')).toMatchObject({
      service_name: '噪音扰民',
      metadata: false,
    });
    expect(services.some((s) => s.service_code === 'key_person')).toBe(false);
    expect(await getJson('/services/noise.json')).toEqual({
      status: 200,
      body: open311ServiceDefinition.parse({ service_code: 'noise', attributes: [] }),
    });
    const xml = await curl([`${base}/services.xml?api_key=${key}`]);
    expect(xml.status).toBe(200);
    await xmllint(xml.body);
    expect(xml.body).toMatch(/^<\?xml[^>]*\?><services><service><service_code>public_order<\/service_code>/);
    const def = await curl([`${base}/services/noise.xml?api_key=${key}`]);
    await xmllint(def.body);
    expect(def.body).toContain('<service_definition><service_code>noise</service_code><attributes></attributes>');
  });

  it('answers refusals in the spec’s error list', async () => {
    const cases: [string, RequestInit | undefined, number, string][] = [
      [
        '/services.json',
        undefined,
        401,
        'api_key: an integration key is needed (api_key=cik_… or Authorization: Bearer cik_…)',
      ],
      ['/services.json?api_key=cik_nope', undefined, 403, 'api_key: not a valid integration key'],
      ['/services/xyz.json?api_key=KEY', undefined, 404, 'service_code: unknown service "xyz"'],
      ['/services.yaml?api_key=KEY', undefined, 404, 'format: unknown format "yaml": use .json or .xml'],
      [
        '/requests/E19990101-000001.json?api_key=KEY',
        undefined,
        404,
        'service_request_id: no request "E19990101-000001"',
      ],
      ['/requests.json?api_key=KEY&status=pending', undefined, 400, 'status: must be open, closed or open,closed'],
      ['/requests.json?api_key=KEY&page=2', undefined, 400, 'page: unknown field'],
    ];
    for (const [path, init, status, description] of cases) {
      const res = await fetch(`${base}${path.replace('KEY', key)}`, init);
      expect(res.status, path).toBe(status);
      expect(await res.json(), path).toEqual([{ code: status, description }]);
    }
    // A session user's role has no open311 action.
    const dispatcher = await signIn(url, 'dispatcher', TEST_PASSWORD);
    const asUser = await fetch(`${base}/requests.json`, { headers: { cookie: dispatcher.cookie } });
    expect(asUser.status).toBe(403);
    expect(await asUser.json()).toEqual([{ code: 403, description: 'role dispatcher may not open311:read' }]);
    // XML errors.
    const xml = await curl([`${base}/requests.xml?status=pending`]);
    expect(xml.status).toBe(400);
    await xmllint(xml.body);
    expect(xml.body).toBe(
      '<?xml version="1.0" encoding="utf-8"?><errors><error><code>400</code><description>status: must be open, closed or open,closed</description></error></errors>',
    );
  });

  it.each([
    [{ service_code: 'xyz' }, 'service_code: unknown service "xyz" (GET services.json lists them)'],
    [{ service_code: '' }, 'service_code: must not be empty'],
    [{ lat: 'north' }, 'lat: must be a decimal number'],
    [{ lat: '95' }, 'lat: must be -90 to 90'],
    [{ long: '200' }, 'long: must be -180 to 180'],
    [{ lat: undefined }, 'lat: must be sent with long'],
    [
      { lat: undefined, long: undefined, address_string: '丰和中大道 1 号' },
      'lat: we cannot locate an address_string: send lat and long (WGS84) with it',
    ],
    [{ address_id: '77' }, 'address_id: not supported: send lat and long (WGS84)'],
    [{ lat: '10', long: '10' }, 'lat, long: (10, 10) lies outside the city (no grid contains it)'],
    [{ description: '' }, 'description: must not be empty'],
    [{ description: 'a\u0000b' }, 'description: must not contain U+0000'],
    [{ description: 'x'.repeat(2001) }, 'description: must be at most 2000 characters'],
    [{ address_string: 'x'.repeat(201) }, 'address_string: must be at most 200 characters'],
    [{ first_name: 'x'.repeat(33) }, 'first_name: must be at most 32 characters'],
    [{ last_name: '\u0000' }, 'last_name: must not contain U+0000'],
    [{ phone: 'call me' }, 'phone: must be a phone number (digits, spaces, + - ( ))'],
    [{ email: 'nobody' }, 'email: must be an e-mail address'],
    [{ device_id: 'x'.repeat(65) }, 'device_id: must be at most 64 characters'],
    [{ account_id: 'x'.repeat(65) }, 'account_id: must be at most 64 characters'],
    [{ media_url: 'ftp://x' }, 'media_url: must be an http(s) URL'],
    [{ jurisdiction_id: '\u0000' }, 'jurisdiction_id: must not contain U+0000'],
    [{ 'attribute[size]': 'x'.repeat(501) }, 'attribute[size]: must be at most 500 characters'],
    [{ colour: 'red' }, 'colour: unknown field'],
  ] as [Record<string, string | undefined>, string][])('POST %j → 400 %s', async (change, description) => {
    const fields = { ...validForm(), ...change };
    for (const k of Object.keys(fields)) if (fields[k] === undefined) delete fields[k];
    for (const fmt of ['json', 'xml']) {
      const res = await postForm(fields as Record<string, string>, fmt);
      expect(res.status).toBe(400);
      const body = await res.text();
      if (fmt === 'json') expect(JSON.parse(body)).toEqual([{ code: 400, description }]);
      else await xmllint(body);
    }
  });

  it('takes a JSON body too', async () => {
    const { lat, long, ...rest } = validForm();
    const res = await fetch(`${base}/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...rest, lat: Number(lat), long: Number(long), attribute: { floor: '3' } }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
  });

  it('never answers 500, whatever the fields hold (fuzz: binary, NUL, lone surrogates)', async () => {
    const fields = [
      'api_key',
      'service_code',
      'lat',
      'long',
      'address_string',
      'address_id',
      'description',
      'media_url',
      'first_name',
      'last_name',
      'phone',
      'email',
      'device_id',
      'account_id',
      'attribute[x]',
      'jurisdiction_id',
    ];
    const nasty = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\uffff', '%', '\u0001'),
      fc.uint8Array({ maxLength: 40 }).map((b) => ({ raw: b })),
    );
    /** Percent-encoded form bytes: strings as UTF-8 (a lone surrogate as its WTF-8 bytes), raw bytes as they are. */
    const enc = (v: string | { raw: Uint8Array }) =>
      typeof v === 'string'
        ? [...v]
            .map((c) =>
              c.length === 1 && c.charCodeAt(0) >= 0xd800 && c.charCodeAt(0) <= 0xdfff
                ? [0xe0 | (c.charCodeAt(0) >> 12), 0x80 | ((c.charCodeAt(0) >> 6) & 63), 0x80 | (c.charCodeAt(0) & 63)]
                    .map((x) => `%${x.toString(16).toUpperCase()}`)
                    .join('')
                : encodeURIComponent(c),
            )
            .join('')
        : [...v.raw].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('');
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fields),
        nasty,
        fc.constantFrom('form', 'json', 'query'),
        fc.constantFrom('json', 'xml'),
        async (field, value, how, fmt) => {
          const form = { ...validForm(), [field]: value };
          let res: Sent;
          if (how === 'json') {
            const body = Object.fromEntries(
              Object.entries(form).map(([k, v]) => [
                k,
                typeof v === 'string' ? v : Buffer.from(v.raw).toString('latin1'),
              ]),
            );
            res = await send('POST', `/requests.${fmt}`, 'application/json', JSON.stringify(body));
          } else {
            const encoded = Object.entries(form)
              .map(([k, v]) => `${encodeURIComponent(k)}=${enc(v)}`)
              .join('&');
            res =
              how === 'form'
                ? await send('POST', `/requests.${fmt}`, 'application/x-www-form-urlencoded', encoded)
                : await send('GET', `/requests.${fmt}?${encoded}`);
          }
          const text = res.text;
          expect(res.status, `${how} ${field}=${JSON.stringify(value)}: ${text}`).toBeLessThan(500);
          if (res.status >= 400 && fmt === 'xml' && res.type.startsWith('text/xml')) await xmllint(text);
          if (res.status >= 400 && res.type.startsWith('application/json')) {
            // The routes' own refusals are the spec's list; the chain's (before the routes) may be the hub's.
            const body = JSON.parse(text) as unknown;
            if (Array.isArray(body)) errorList.parse(body);
          }
        },
      ),
      { numRuns: 120 },
    );
    // Stored text with control characters still reads back as well-formed XML.
    const res = await postForm({ ...validForm(), description: 'bell\u0007 and \u001b escape' });
    expect(res.status).toBe(201);
    const id = z.array(open311Created).parse(await res.json())[0]!.service_request_id;
    const xml = await curl([`${base}/requests/${id}.xml?api_key=${key}`]);
    await xmllint(xml.body);
  }, 120_000);
});
