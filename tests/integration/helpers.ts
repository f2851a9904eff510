/** Shared fixtures for integration tests: a config per test, both database backends, a hub. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { request, type IncomingHttpHeaders } from 'node:http';
import { pino } from 'pino';
import { createApp, type Hub } from '../../server/app';
import type { Config } from '../../server/config';

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
    ...overrides,
  };
}

export async function tempDir(prefix = 'cd-test-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A fresh PostgreSQL database on the TEST_DATABASE_URL server, dropped afterwards. */
export async function tempPostgresDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `cd_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
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

export interface Backend {
  name: 'pglite' | 'postgres';
  /** Storage for one test: a config fragment that points at it, and a cleanup. */
  provision(): Promise<{ config: Partial<Config>; cleanup: () => Promise<void> }>;
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;

/** PGlite always; PostgreSQL when TEST_DATABASE_URL is set. */
export const backends: Backend[] = [
  {
    name: 'pglite',
    async provision() {
      const dir = await tempDir();
      return { config: { dataDir: dir.path }, cleanup: dir.remove };
    },
  },
  ...(TEST_DATABASE_URL
    ? [
        {
          name: 'postgres' as const,
          async provision() {
            const db = await tempPostgresDatabase(TEST_DATABASE_URL);
            return { config: { databaseUrl: db.url }, cleanup: db.drop };
          },
        },
      ]
    : []),
];

/** Start a hub on an ephemeral port and wait until it is ready. */
export async function startHub(config: Config): Promise<{ hub: Hub; url: string }> {
  const hub = createApp(config, { logger: pino({ level: 'silent' }) });
  const addr = await hub.listen();
  await hub.ready;
  return { hub, url: `http://127.0.0.1:${addr.port}` };
}

/** GET with node:http (fetch adds Cache-Control: no-cache to conditional requests, defeating 304s). */
export function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
    })
      .on('error', reject)
      .end();
  });
}
