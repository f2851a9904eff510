/** Shared fixtures for integration tests: a config per test, both database backends, a hub. */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { request, type IncomingHttpHeaders } from 'node:http';
import { pino } from 'pino';
import { createApp, type Hub } from '@server/app';
import type { Config } from '@server/core/config';
import type { Clock } from '@server/core/clock';
import { sessionInfo, type SessionInfo } from '@shared/auth';
import { ingestReply, type IngestReply } from '@shared/ingest';

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir: './data-should-not-be-used',
    databaseUrl: undefined,
    demoScale: 'small',
    demoSeed: 7,
    logLevel: 'silent',
    staticDir: './dist',
    mapStyleUrl: undefined,
    mapCrs: 'wgs84',
    auth: {
      demoPassword: TEST_PASSWORD,
      rateLimits: { userPerMin: 100_000, addressPerMin: 100_000, loginPer15Min: 100_000 },
    },
    ...overrides,
  };
}

/** The demo accounts' password in tests. */
export const TEST_PASSWORD = 'test-pass-2026';

export interface Signed {
  cookie: string;
  csrf: string;
  info: SessionInfo;
  /** fetch with this session's cookie (and its CSRF token on writes). */
  fetch(url: string, init?: RequestInit): Promise<Response>;
}

/** Sign in through the API and keep the session cookie. */
export async function signIn(origin: string, username = 'dispatcher', password = TEST_PASSWORD): Promise<Signed> {
  const res = await fetch(`${origin}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${username} failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const info = sessionInfo.parse(await res.json());
  return {
    cookie,
    csrf: info.csrfToken,
    info,
    fetch: (url, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('cookie', cookie);
      if (init.method && init.method !== 'GET') headers.set('x-csrf-token', info.csrfToken);
      return fetch(url, { ...init, headers });
    },
  };
}

/**
 * Turn flood control off for these rules (foldMinutes 0, through the admin API): for tests that
 * post several events to one zone and follow each event's own alarm (flood control has its own,
 * tests/integration/alarm-floods.test.ts).
 */
export async function unfoldRules(origin: string, ruleIds: readonly string[], password = TEST_PASSWORD): Promise<void> {
  const admin = await signIn(origin, 'admin', password);
  const { rules } = (await (await admin.fetch(`${origin}/api/v1/rules`)).json()) as { rules: { id: string }[] };
  for (const id of ruleIds) {
    const res = await admin.fetch(`${origin}/api/v1/rules/${id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...rules.find((r) => r.id === id), foldMinutes: 0 }),
    });
    if (res.status !== 200) throw new Error(`rule ${id}: ${res.status} ${await res.text()}`);
  }
}

/** Signed-in city-wide sessions of the hubs tests started, by origin (apiFetch and rawGet use them). */
const hubSessions = new Map<string, Signed>();

/** fetch as the city-wide dispatcher of the hub at that URL's origin. */
export function apiFetch(url: string, init?: RequestInit): Promise<Response> {
  const s = hubSessions.get(new URL(url).origin);
  return s ? s.fetch(url, init) : fetch(url, init);
}

export async function tempDir(prefix = 'cd-test-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * A fresh PostgreSQL database on the TEST_DATABASE_URL server, dropped afterwards; a copy of
 * `template` (a database on that server no one is connected to) when given.
 */
export async function tempPostgresDatabase(
  serverUrl: string,
  template?: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `cd_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(template ? `create database ${name} template ${template}` : `create database ${name}`);
  await admin.end();
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * Seeded templates, made once per run by tests/integration/global-setup.ts: a hub of testConfig()
 * (the small city, seed 7, TEST_PASSWORD) started on an empty database and closed. A test that
 * asks `seeded` starts on a copy: PGlite's initdb, the migrations and the demo city cost a hub ~8 s
 * of CPU on PGlite and ~2 s on PostgreSQL, a copy ~0.4 s. Outside the integration run (benches)
 * there are none, and `seeded` gives an empty database as before.
 */
export const TEMPLATE_ENV = { pglite: 'CD_TEST_PGLITE_TEMPLATE', postgres: 'CD_TEST_PG_TEMPLATE' } as const;

export interface Backend {
  name: 'pglite' | 'postgres';
  /**
   * Storage for one test: a config fragment that points at it, and a cleanup. `seeded`: a copy of
   * the run's template (the demo city and accounts of testConfig() already there), for a test that
   * starts its hub with testConfig's city, seed and password and does not look at the first start.
   */
  provision(opts?: { seeded?: boolean }): Promise<{ config: Partial<Config>; cleanup: () => Promise<void> }>;
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

/** PGlite always; PostgreSQL when TEST_DATABASE_URL is set. */
export const backends: Backend[] = [
  {
    name: 'pglite',
    async provision(opts) {
      const dir = await tempDir();
      const template = opts?.seeded ? process.env[TEMPLATE_ENV.pglite] : undefined;
      if (template) await cp(template, dir.path, { recursive: true });
      return { config: { dataDir: dir.path }, cleanup: dir.remove };
    },
  },
  ...(TEST_DATABASE_URL
    ? [
        {
          name: 'postgres' as const,
          async provision(opts?: { seeded?: boolean }) {
            const db = await tempPostgresDatabase(
              TEST_DATABASE_URL,
              opts?.seeded ? process.env[TEMPLATE_ENV.postgres] : undefined,
            );
            return { config: { databaseUrl: db.url }, cleanup: db.drop };
          },
        },
      ]
    : []),
];

/** Start a hub on an ephemeral port and wait until it is ready. */
export async function startHub(config: Config, opts: { clock?: Clock } = {}): Promise<{ hub: Hub; url: string }> {
  const hub = createApp(config, { logger: pino({ level: 'silent' }), ...opts });
  const addr = await hub.listen();
  await hub.ready;
  const url = `http://127.0.0.1:${addr.port}`;
  hubSessions.set(url, await signIn(url));
  return { hub, url };
}

/**
 * A hub on a seeded copy of `backend`'s database that takes events from systems holding
 * `ingestKey` (postEvents), with limits no test reaches; `stop` closes it and drops the copy.
 */
export async function startEventHub(
  backend: Backend,
  ingestKey: string,
): Promise<{ hub: Hub; url: string; stop: () => Promise<void> }> {
  const p = await backend.provision({ seeded: true });
  try {
    const { hub, url } = await startHub(
      testConfig({
        ...p.config,
        auth: {
          demoPassword: TEST_PASSWORD,
          ingestApiKey: ingestKey,
          rateLimits: { userPerMin: 1e6, addressPerMin: 1e6, loginPer15Min: 1e6 },
        },
      }),
    );
    return {
      hub,
      url,
      stop: async () => {
        await hub.close();
        await p.cleanup();
      },
    };
  } catch (err) {
    await p.cleanup();
    throw err;
  }
}

/** POST /events with the ingest key (`{ events: [...] }` or one event); the hub's parsed reply. */
export async function postEvents(origin: string, ingestKey: string, body: unknown): Promise<IngestReply> {
  const res = await fetch(`${origin}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ingestKey}` },
    body: JSON.stringify(body),
  });
  return ingestReply.parse(await res.json());
}

/** GET with node:http (fetch adds Cache-Control: no-cache to conditional requests, defeating 304s). */
export function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const cookie = hubSessions.get(new URL(url).origin)?.cookie;
    request(url, { headers: cookie && !('cookie' in headers) ? { ...headers, cookie } : headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
    })
      .on('error', reject)
      .end();
  });
}
