/** Events: insert a batch once per (source, id), and look them up. SQL only. */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { events } from '../db/schema';

export type EventRow = typeof events.$inferSelect;
export type NewEvent = typeof events.$inferInsert;

export class EventRepository {
  constructor(private readonly db: Db) {}

  /**
   * Insert what is new; a (source, id) already stored, or stored by a concurrent insert, is
   * skipped by the primary key. Returns the keys actually inserted.
   */
  async insertNew(rows: NewEvent[], tx: Db = this.db): Promise<{ source: string; id: string }[]> {
    if (rows.length === 0) return [];
    return tx.insert(events).values(rows).onConflictDoNothing().returning({ source: events.source, id: events.id });
  }

  async byKey(source: string, id: string): Promise<EventRow | undefined> {
    return (await this.db.select().from(events).where(and(eq(events.source, source), eq(events.id, id))))[0];
  }

  async count(): Promise<number> {
    const rows = await this.db.select({ n: sql<number>`count(*)::int` }).from(events);
    return Number(rows[0]?.n ?? 0);
  }
}
