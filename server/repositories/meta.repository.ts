/** app_meta: small facts about this database (owner marker, the seeded world's provenance). */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { appMeta } from '../db/schema';

export class MetaRepository {
  constructor(private readonly db: Db) {}

  async get<T>(key: string): Promise<T | undefined> {
    const rows = await this.db.select({ value: appMeta.value }).from(appMeta).where(eq(appMeta.key, key));
    return rows[0]?.value as T | undefined;
  }

  async set(key: string, value: unknown, tx: Db = this.db): Promise<void> {
    await tx
      .insert(appMeta)
      .values({ key, value })
      .onConflictDoUpdate({ target: appMeta.key, set: { value, updatedAt: sql`now()` } });
  }
}
