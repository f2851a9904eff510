/**
 * Opening the database: embedded PGlite under DATA_DIR by default, a PostgreSQL server when
 * DATABASE_URL is set. Both give the same Drizzle database over the same schema and migrations.
 *
 * Safety rules (never lose or clobber someone's data):
 *  - DATA_DIR is ours only if it is new, empty, or carries our marker file; anything else is refused.
 *  - A database that already holds tables but not our `app_meta` is refused, never migrated into.
 *  - An unreachable server is a clear error within seconds, never a hang.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { schema, type Schema } from './schema';
import type { MessagePort } from 'node:worker_threads';
import { PgliteClient, PgliteThread } from './pglite-thread';

export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export const APP_ID = 'city-command-dispatch';
export const MARKER_FILE = 'command-dispatch.json';
const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));
/** Advisory lock key for migrations and seeding, so hubs that start together take turns. */
const STARTUP_LOCK_KEY = 7_320_260_101;
const CONNECT_TIMEOUT_MS = 8_000;

/** A startup problem the operator must fix; its message is shown as it is. */
export class DatabaseSetupError extends Error {}

export interface Database {
  readonly db: Db;
  readonly kind: 'pglite' | 'postgres';
  /** Where the data lives, for logs (no password). */
  readonly location: string;
  /** Apply pending migrations, then run `fn`, holding a lock that other hubs also take. */
  migrateAndRun<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** How a worker thread reaches this database (openThreadDatabase there): a port to PGlite's thread, or the server's URL. */
  threadConnection(): Promise<ThreadConnection>;
  close(): Promise<void>;
}

/**
 * What each PostgreSQL session of the hub sets at its start: no JIT compilation. The figures' reads
 * are short, but the planner's estimates for array subscripts and set-returning functions pass
 * jit_above_cost, and compiling took 170 ms of a 10 ms query (BENCHMARKS.md, the per-grid analysis).
 * A DATABASE_URL with `options=` of its own keeps those instead.
 */
const SESSION_OPTIONS = '-c jit=off';

/** Transferable to a worker thread (the port in the transfer list). */
export type ThreadConnection = { kind: 'pglite'; port: MessagePort } | { kind: 'postgres'; url: string };

/**
 * The database from a worker thread (the layer builder): PGlite through a port to its thread, or
 * PostgreSQL on a small pool of the worker's own. For reads; migrations are the main thread's.
 */
export function openThreadDatabase(c: ThreadConnection): { db: Db; close(): Promise<void> } {
  if (c.kind === 'pglite') {
    const client = PgliteClient.overPort(c.port);
    return { db: drizzlePglite(client as unknown as PGlite, { schema }), close: () => client.close() };
  }
  const pool = new pg.Pool({
    connectionString: c.url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    max: 2,
    options: SESSION_OPTIONS,
  });
  pool.on('error', () => undefined);
  // A checked-out client losing its server must not end the thread either (as in openPostgres).
  pool.on('connect', (client) => client.on('error', () => undefined));
  return { db: drizzlePg(pool, { schema }), close: () => pool.end() };
}

export interface OpenOptions {
  dataDir: string;
  databaseUrl: string | undefined;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir);
}

/** Make sure DATA_DIR is ours (or new), and return the PGlite folder inside it. */
export async function claimDataDir(dataDir: string): Promise<string> {
  const dir = resolve(dataDir);
  const markerPath = join(dir, MARKER_FILE);
  const info = await stat(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw new DatabaseSetupError(`DATA_DIR ${dir} cannot be read: ${e.message}`);
  });
  if (info && !info.isDirectory()) throw new DatabaseSetupError(`DATA_DIR ${dir} is not a directory`);
  const entries = info ? await readdir(dir) : [];
  if (entries.length === 0) {
    await mkdir(dir, { recursive: true });
    await writeFile(
      markerPath,
      JSON.stringify({ app: APP_ID, format: 1, createdAt: new Date().toISOString() }, null, 2) + '\n',
    );
  } else if (!entries.includes(MARKER_FILE)) {
    throw new DatabaseSetupError(
      `DATA_DIR ${dir} holds files that are not this hub's database (no ${MARKER_FILE}); refusing to touch it. Set DATA_DIR to a new or empty folder.`,
    );
  } else {
    let marker: unknown;
    try {
      marker = JSON.parse(await readFile(markerPath, 'utf8'));
    } catch {
      throw new DatabaseSetupError(`DATA_DIR ${dir}: ${MARKER_FILE} is not valid JSON; refusing to touch the folder`);
    }
    if (typeof marker !== 'object' || marker === null || (marker as { app?: unknown }).app !== APP_ID) {
      throw new DatabaseSetupError(
        `DATA_DIR ${dir}: ${MARKER_FILE} belongs to another application; refusing to touch the folder`,
      );
    }
  }
  const pgDir = join(dir, 'pglite');
  const pgEntries = await readdir(pgDir).catch(() => [] as string[]);
  if (pgEntries.length > 0 && !pgEntries.includes('PG_VERSION')) {
    throw new DatabaseSetupError(
      `${pgDir} is not a PostgreSQL data directory (no PG_VERSION); refusing to initialise over it`,
    );
  }
  return pgDir;
}

async function openPglite(dataDir: string): Promise<Database> {
  const pgDir = await claimDataDir(dataDir);
  let thread: PgliteThread;
  try {
    // On a thread of its own: creating or opening the database is seconds of WASM (pglite-thread.ts).
    thread = await PgliteThread.open(pgDir);
  } catch (e) {
    throw new DatabaseSetupError(`cannot open the embedded database at ${pgDir}: ${(e as Error).message}`);
  }
  // Drizzle's PGlite driver uses query, exec, transaction and closed, which the thread proxy has.
  const client = thread as unknown as PGlite;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    location: pgDir,
    async migrateAndRun(fn) {
      // One process owns a PGlite folder, so no lock is needed beyond PGlite's own.
      await refuseForeignDatabase(db, pgDir);
      await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
      await markOwnership(db);
      return fn(db);
    },
    async threadConnection() {
      return { kind: 'pglite', port: await thread.connectPort() };
    },
    async close() {
      await thread.close();
    },
  };
}

/** host:port/database of a URL, without credentials, for messages. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(unparseable URL)';
  }
}

async function openPostgres(url: string): Promise<Database> {
  const where = describeUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    max: 10,
    options: SESSION_OPTIONS,
  });
  // An idle client that loses its server must not crash the hub: log-worthy, not fatal.
  pool.on('error', () => undefined);
  // Nor one checked out (a transaction): the pool listens only to idle clients, so a server restart
  // during a transaction emitted 'error' on the client unheard and ended every hub (the fault test).
  // The error still fails the client's queries, and the pool drops the broken client on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    const c = await pool.connect();
    c.release();
  } catch (e) {
    await pool.end().catch(() => undefined);
    const err = e as NodeJS.ErrnoException;
    throw new DatabaseSetupError(
      `cannot reach the PostgreSQL server in DATABASE_URL (${where}): ${err.code ?? ''} ${err.message}`.trim(),
    );
  }
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    location: where,
    async migrateAndRun(fn) {
      const lockClient = await pool.connect();
      try {
        await lockClient.query('select pg_advisory_lock($1)', [STARTUP_LOCK_KEY]);
        const lockedDb = drizzlePg(lockClient, { schema });
        await refuseForeignDatabase(lockedDb, where);
        await migratePg(lockedDb, { migrationsFolder: MIGRATIONS_FOLDER });
        await markOwnership(db);
        return await fn(db);
      } finally {
        await lockClient.query('select pg_advisory_unlock($1)', [STARTUP_LOCK_KEY]).catch(() => undefined);
        lockClient.release();
      }
    },
    async threadConnection() {
      return Promise.resolve({ kind: 'postgres', url });
    },
    async close() {
      await pool.end();
    },
  };
}

/** Rows of a raw SQL query, on either driver (both answer with `{ rows }`). */
export async function queryRows<T>(
  db: PgDatabase<PgQueryResultHKT, Record<string, unknown>>,
  query: SQL,
): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (result as { rows: T[] }).rows;
}

/** Refuse a database that holds tables of some other application. */
async function refuseForeignDatabase(
  db: PgDatabase<PgQueryResultHKT, Record<string, unknown>>,
  where: string,
): Promise<void> {
  const rows = await queryRows<{ table_name: string }>(
    db,
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const tables = rows.map((r) => r.table_name);
  if (tables.length === 0) return;
  if (!tables.includes('app_meta')) {
    throw new DatabaseSetupError(
      `the database at ${where} already holds tables that are not this hub's (${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', …' : ''}); refusing to migrate into it`,
    );
  }
  const owner = await queryRows<{ value: { app?: unknown } | null }>(
    db,
    sql`select value from app_meta where key = 'owner'`,
  );
  const app = owner[0]?.value?.app;
  if (app !== undefined && app !== APP_ID) {
    throw new DatabaseSetupError(
      `the database at ${where} belongs to another application (${JSON.stringify(app)}); refusing to touch it`,
    );
  }
}

async function markOwnership(db: Db): Promise<void> {
  await db.execute(
    sql`insert into app_meta (key, value) values ('owner', ${JSON.stringify({ app: APP_ID })}::jsonb) on conflict (key) do nothing`,
  );
}
