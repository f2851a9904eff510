/** Open the hub's database from the same settings the hub reads (DATA_DIR or DATABASE_URL), migrated. */
import { loadConfig } from '../core/config';
import { openDatabase, type Database } from '../db/connect';

export async function openFromEnv(): Promise<Database> {
  const config = loadConfig();
  const database = await openDatabase({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  await database.migrateAndRun(() => Promise.resolve());
  return database;
}

/** Run a command; print its error on one line and exit 1 (2 for usage). */
export function main(fn: () => Promise<number>): void {
  fn().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
