/** Wall presets (issue 17): SQL only. */
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { wallPresets } from '../db/schema';
import type { WallPresetBody } from '@shared/wall';

export type WallPresetRow = typeof wallPresets.$inferSelect;

export class WallRepository {
  constructor(private readonly db: Db) {}

  async all(): Promise<WallPresetRow[]> {
    return this.db.select().from(wallPresets).orderBy(asc(wallPresets.id));
  }

  async byId(id: string): Promise<WallPresetRow | undefined> {
    return (await this.db.select().from(wallPresets).where(eq(wallPresets.id, id)))[0];
  }

  /** Insert or replace; returns the row. */
  async put(id: string, definition: WallPresetBody, at: Date): Promise<WallPresetRow> {
    const rows = await this.db
      .insert(wallPresets)
      .values({ id, definition, updatedAt: at })
      .onConflictDoUpdate({ target: wallPresets.id, set: { definition, updatedAt: at } })
      .returning();
    return rows[0]!;
  }

  /** Insert when absent (a seed); an existing preset, edited or not, stays. */
  async seed(id: string, definition: WallPresetBody, at: Date): Promise<void> {
    await this.db.insert(wallPresets).values({ id, definition, updatedAt: at }).onConflictDoNothing();
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db.delete(wallPresets).where(eq(wallPresets.id, id)).returning()).length > 0;
  }
}
