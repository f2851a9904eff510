/** Residents and the absence sweep's questions about them: SQL only. */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/connect';
import { alarms } from '../db/schema';

/** A resident living alone with the time of their last access event (epoch ms). */
export interface AbsenceCandidateRow {
  id: string;
  name: string;
  communityId: string;
  gridCode: string;
  lon: number;
  lat: number;
  registeredMs: number;
  /** Null: no access event names them. */
  lastAccessMs: number | null;
}

export class ResidentRepository {
  constructor(private readonly db: Db) {}

  /**
   * Residents living alone whose last access (or, with none, their registration) is at or before
   * `cutoff`, in id order. The last access is one backward scan of events_access_resident_idx per
   * resident (the subquery's predicate is the index's). The hub's own resident_absence events are
   * source 'access' too and do not count. Times as epoch ms (float8: the same on PGlite and pg).
   */
  async livingAloneIdleSince(cutoff: Date, tx: Db = this.db): Promise<AbsenceCandidateRow[]> {
    const rows = await queryRows<AbsenceCandidateRow>(
      tx,
      sql`select id, name, community_id as "communityId", grid_code as "gridCode", lon, lat,
                 floor(extract(epoch from registered_at) * 1000)::float8 as "registeredMs",
                 floor(extract(epoch from last_access) * 1000)::float8 as "lastAccessMs"
            from (select r.*,
                         (select max(e.at) from events e
                           where e.source = 'access' and e.type <> 'resident_absence'
                             and (e.attributes->>'residentId') = r.id) as last_access
                    from residents r
                   where r.living_alone) x
           where coalesce(last_access, registered_at) <= ${cutoff.toISOString()}::timestamptz
           order by id`,
    );
    return rows.map((r) => ({
      ...r,
      lon: Number(r.lon),
      lat: Number(r.lat),
      registeredMs: Number(r.registeredMs),
      lastAccessMs: r.lastAccessMs === null ? null : Number(r.lastAccessMs),
    }));
  }

  /** (event id, rule id) of the alarms already raised for these access-source events. */
  async alarmedEvents(eventIds: readonly string[], tx: Db = this.db): Promise<{ eventId: string; ruleId: string }[]> {
    if (eventIds.length === 0) return [];
    return tx
      .select({ eventId: alarms.eventId, ruleId: alarms.ruleId })
      .from(alarms)
      .where(and(eq(alarms.eventSource, 'access'), inArray(alarms.eventId, [...eventIds])));
  }
}
