/** Events: insert a batch once per (source, id), and look them up. SQL only. */
import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/connect';
import { events } from '../db/schema';

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
    const json = JSON.stringify(
      rows.map((r) => ({
        source: r.source,
        id: r.id,
        type: r.type,
        at: r.at,
        received_at: r.receivedAt,
        device_id: r.deviceId ?? null,
        lon: r.lon,
        lat: r.lat,
        grid_code: r.gridCode,
        severity: r.severity ?? null,
        attributes: r.attributes ?? null,
        media: r.media ?? null,
        credential_id: r.credentialId ?? null,
      })),
    );
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
