/** Major security events (issue 17): SQL only. */
import { and, desc, eq, gt, isNull, like, lte } from 'drizzle-orm';
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

  /** Events whose window is open at `at` and that are not closed. */
  async openAt(at: Date): Promise<MajorEventRow[]> {
    return this.db
      .select()
      .from(majorEvents)
      .where(and(lte(majorEvents.startsAt, at), gt(majorEvents.endsAt, at), isNull(majorEvents.closedAt)));
  }
}
