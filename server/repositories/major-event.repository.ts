/** Major security events (issue 17): SQL only. */
import { and, desc, eq, gt, isNull, like, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { majorEvents } from '../db/schema';

export type MajorEventRow = typeof majorEvents.$inferSelect;
export type NewMajorEvent = typeof majorEvents.$inferInsert;

export class MajorEventRepository {
  constructor(private readonly db: Db) {}

  async insert(row: NewMajorEvent): Promise<MajorEventRow> {
    return (await this.db.insert(majorEvents).values(row).returning())[0]!;
  }

  async update(id: string, set: Partial<NewMajorEvent>): Promise<MajorEventRow | undefined> {
    return (await this.db.update(majorEvents).set(set).where(eq(majorEvents.id, id)).returning())[0];
  }

  async byId(id: string): Promise<MajorEventRow | undefined> {
    return (await this.db.select().from(majorEvents).where(eq(majorEvents.id, id)))[0];
  }

  /** Events under a region prefix ('' = all), the latest window first. */
  async list(prefix: string, limit = 200): Promise<MajorEventRow[]> {
    return this.db
      .select()
      .from(majorEvents)
      .where(prefix ? like(majorEvents.regionCode, `${prefix}%`) : undefined)
      .orderBy(desc(majorEvents.startsAt))
      .limit(limit);
  }

  /** The wall presets of events not closed and not past their end at `at` (open or still to come). */
  async presetsInUse(at: Date): Promise<string[]> {
    const rows = await this.db
      .selectDistinct({ id: sql<string>`${majorEvents.definition}->>'presetId'` })
      .from(majorEvents)
      .where(
        and(
          isNull(majorEvents.closedAt),
          gt(majorEvents.endsAt, at),
          sql`${majorEvents.definition}->>'presetId' is not null`,
        ),
      );
    return rows.map((r) => r.id);
  }

  /** Events whose window is open at `at` and that are not closed. */
  async openAt(at: Date): Promise<MajorEventRow[]> {
    return this.db
      .select()
      .from(majorEvents)
      .where(and(lte(majorEvents.startsAt, at), gt(majorEvents.endsAt, at), isNull(majorEvents.closedAt)));
  }
}
