/**
 * Once per integration run: the seeded templates tests/integration/helpers.ts copies for a test
 * that asks `provision({ seeded: true })`. A hub of testConfig() starts on an empty PGlite folder
 * (and an empty PostgreSQL database when TEST_DATABASE_URL is set), seeds the demo city and its
 * accounts, and closes; the test files' processes, started after this, find the templates through
 * environment variables. Removed at the end of the run.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import pg from 'pg';
import { createApp } from '@server/app';
import { TEMPLATE_ENV, TEST_DATABASE_URL, tempDir, testConfig } from './helpers';

async function seed(storage: { dataDir?: string; databaseUrl?: string }): Promise<void> {
  const hub = createApp(testConfig(storage), { logger: pino({ level: 'silent' }) });
  await hub.listen();
  try {
    await hub.ready;
  } finally {
    await hub.close();
  }
}

export default async function setup(): Promise<() => Promise<void>> {
  const dir = await tempDir('cd-template-');
  await seed({ dataDir: dir.path });
  process.env[TEMPLATE_ENV.pglite] = dir.path;
  let dropPg: () => Promise<void> = () => Promise.resolve();
  if (TEST_DATABASE_URL) {
    const name = `cd_template_${randomBytes(6).toString('hex')}`;
    const admin = async (sql: string) => {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };
    await admin(`create database ${name}`);
    const u = new URL(TEST_DATABASE_URL);
    u.pathname = `/${name}`;
    await seed({ databaseUrl: u.toString() });
    process.env[TEMPLATE_ENV.postgres] = name;
    dropPg = () => admin(`drop database if exists ${name} with (force)`);
  }
  return async () => {
    await dropPg();
    await dir.remove();
  };
}
