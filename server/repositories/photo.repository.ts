/** Photos of reports (the `photos` table): their bytes, type and uploader. SQL only. */
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { photos } from '../db/schema';

export class PhotoRepository {
  constructor(private readonly db: Db) {}

  async insert(p: typeof photos.$inferInsert): Promise<void> {
    await this.db.insert(photos).values(p);
  }

  async insertMany(rows: (typeof photos.$inferInsert)[]): Promise<void> {
    if (rows.length > 0) await this.db.insert(photos).values(rows);
  }

  async byId(id: string): Promise<{ type: string; data: Buffer } | undefined> {
    return (await this.db.select({ type: photos.type, data: photos.data }).from(photos).where(eq(photos.id, id)))[0];
  }

  async uploader(id: string): Promise<string | undefined> {
    return (await this.db.select({ by: photos.uploadedBy }).from(photos).where(eq(photos.id, id)))[0]?.by;
  }

  /** Who uploaded a photo, and the grid a device's picture was taken in (null for others). */
  async origin(id: string): Promise<{ by: string; gridCode: string | null } | undefined> {
    return (
      await this.db.select({ by: photos.uploadedBy, gridCode: photos.gridCode }).from(photos).where(eq(photos.id, id))
    )[0];
  }

  /** `origin` of each of these ids that is a stored photo, in one query. */
  async origins(ids: readonly string[]): Promise<Map<string, { by: string; gridCode: string | null }>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .select({ id: photos.id, by: photos.uploadedBy, gridCode: photos.gridCode })
      .from(photos)
      .where(inArray(photos.id, [...ids]));
    return new Map(rows.map((r) => [r.id, { by: r.by, gridCode: r.gridCode }]));
  }

  /** Which of these ids are stored photos. */
  async existing(ids: readonly string[], tx: Db = this.db): Promise<string[]> {
    if (ids.length === 0) return [];
    return (
      await tx
        .select({ id: photos.id })
        .from(photos)
        .where(inArray(photos.id, [...ids]))
    ).map((r) => r.id);
  }
}
