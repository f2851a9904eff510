/** Events: insert a batch once per (source, id), and look them up. SQL only. */
import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/connect';
import { events } from '../db/schema';
import { eventRecord } from './bulk-records';

export type EventRow = typeof events.$inferSelect;
export type NewEvent = typeof events.$inferInsert;

export class EventRepository {
  constructor(private readonly db: Db) {}

  /**
   * Insert what is new; a (source, id) already stored, or stored by a concurrent insert, is
   * skipped by the primary key. Returns the keys actually inserted. One JSON parameter expanded
   * by jsonb_to_recordset, not 13 parameters a row: about 2× faster on PGlite.
   */
  async insertNew(rows: NewEvent[], tx: Db = this.db): Promise<{ source: string; id: string }[]> {
    if (rows.length === 0) return [];
    return this.insertJson(JSON.stringify(rows.map(eventRecord)), tx);
  }

  /** insertNew with its rows already as one JSON array of `eventRecord`s. */
  async insertJson(json: string, tx: Db = this.db): Promise<{ source: string; id: string }[]> {
    return queryRows<{ source: string; id: string }>(
      tx,
      sql`insert into events (source, id, type, at, received_at, device_id, lon, lat, grid_code, severity, attributes, media, credential_id)
          select * from jsonb_to_recordset(${json}::jsonb) as x(source text, id text, type text, at timestamptz, received_at timestamptz, device_id text,
            lon float8, lat float8, grid_code text, severity int, attributes jsonb, media jsonb, credential_id text)
          on conflict do nothing returning source, id`,
    );
  }

  async byKey(source: string, id: string): Promise<EventRow | undefined> {
    return (
      await this.db
        .select()
        .from(events)
        .where(and(eq(events.source, source), eq(events.id, id)))
    )[0];
  }

  async count(): Promise<number> {
    const rows = await this.db.select({ n: sql<number>`count(*)::int` }).from(events);
    return Number(rows[0]?.n ?? 0);
  }
}
