/**
 * The demo city's history (issue 16) in bulk: incidents, their timelines and sources, alarms and
 * events as the hub's services would have written them, each batch one JSON array of the records
 * in bulk-records.ts expanded by jsonb_to_recordset (as the world and events are inserted), made
 * on the generator's thread. SQL only; the caller holds the transaction (with `stats.bulk` on, so
 * the rollup triggers skip, its secondary indexes suspended, and `stats_rebuild()` after).
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/connect';
import { EventRepository } from './event.repository';

/** What a batch holds. */
export type HistoryPart = 'incidents' | 'timeline' | 'sources' | 'alarms' | 'events';

/** A batch ready to insert: a JSON array of bulk-records.ts's records of `part`. */
export interface HistoryBatch {
  part: HistoryPart;
  json: string;
}

export class HistoryRepository {
  constructor(private readonly db: Db) {}

  /** Whether the database has no incident yet (history goes only into a fresh one). */
  async empty(tx: Db = this.db): Promise<boolean> {
    const rows = await queryRows<{ n: number }>(tx, sql`select (select count(*) from incidents)::int as n`);
    return Number(rows[0]?.n ?? 0) === 0;
  }

  /** Rollups off for this transaction's writes (the triggers skip); `rebuild` recomputes them after. */
  async bulkMode(tx: Db): Promise<void> {
    await tx.execute(sql`select set_config('stats.bulk', 'on', true)`);
  }

  async rebuildStats(tx: Db): Promise<void> {
    await tx.execute(sql`select stats_rebuild()`);
  }

  /** A batch of any part (incidents and alarms take their revs in the order given). */
  async insert(batch: HistoryBatch, tx: Db): Promise<void> {
    const { json } = batch;
    if (batch.part === 'incidents') await this.insertIncidents(json, tx);
    else if (batch.part === 'timeline') await this.insertTimeline(json, tx);
    else if (batch.part === 'sources') await this.insertSources(json, tx);
    else if (batch.part === 'alarms') await this.insertAlarms(json, tx);
    else await new EventRepository(tx).insertJson(json, tx);
  }

  private async insertIncidents(json: string, tx: Db): Promise<void> {
    await tx.execute(
      sql`insert into incidents (id, code, rev, version, kind, category, priority, title, description, status, source, external_id,
            tracking_code, reporter, grid_code, lon, lat, address, department, assignments, escalations, max_escalations, created_at,
            updated_at, first_dispatched_at, dispatched_at, unit_accepted_at, arrived_at, resolved_at, closed_at, accepted_at,
            verified_at, rejections, resolve_due_at, due_at, breaches, flagged, merged_into, merged_from, rating, rating_comment,
            photo_ids, dispute)
          select id, code, nextval('incident_rev'), version, kind, category, priority, title, description, status, source, external_id,
            tracking_code, reporter, grid_code, lon, lat, address, department, assignments, escalations, max_escalations, created_at,
            updated_at, first_dispatched_at, dispatched_at, unit_accepted_at, arrived_at, resolved_at, closed_at, accepted_at,
            verified_at, rejections, resolve_due_at, due_at, breaches, flagged, merged_into, merged_from, rating, rating_comment,
            photo_ids, dispute
          from jsonb_to_recordset(${json}::jsonb) as x(id text, code text, version int, kind text, category text,
            priority int, title text, description text, status text, source text, external_id text, tracking_code text, reporter jsonb,
            grid_code text, lon float8, lat float8, address text, department text, assignments jsonb, escalations int,
            max_escalations int, created_at timestamptz, updated_at timestamptz, first_dispatched_at timestamptz,
            dispatched_at timestamptz, unit_accepted_at timestamptz, arrived_at timestamptz, resolved_at timestamptz,
            closed_at timestamptz, accepted_at timestamptz, verified_at timestamptz, rejections int, resolve_due_at timestamptz,
            due_at timestamptz, breaches jsonb, flagged boolean, merged_into text, merged_from jsonb, rating int,
            rating_comment text, photo_ids jsonb, dispute jsonb, n int)
          order by n`,
    );
  }

  /** The incident numbers taken (the next incident the hub makes gets the one after). */
  async takeIncidentNumbers(n: number, tx: Db): Promise<void> {
    if (n > 0) await tx.execute(sql`select setval('incident_no', ${n})`);
  }

  private async insertTimeline(json: string, tx: Db): Promise<void> {
    await tx.execute(
      sql`insert into incident_timeline (incident_id, at, action, from_status, to_status, actor, actor_id, actor_name, note, details)
          select incident_id, at, action, from_status, to_status, actor, actor_id, actor_name, note, details
          from jsonb_to_recordset(${json}::jsonb) as x(incident_id text, at timestamptz, action text, from_status text,
            to_status text, actor text, actor_id text, actor_name text, note text, details jsonb, n int)
          order by n`,
    );
  }

  private async insertSources(json: string, tx: Db): Promise<void> {
    await tx.execute(
      sql`insert into incident_sources (incident_id, kind, ref, at, summary)
          select incident_id, kind, ref, at, summary
          from jsonb_to_recordset(${json}::jsonb) as x(incident_id text, kind text, ref text, at timestamptz, summary text)
          on conflict do nothing`,
    );
  }

  /** Alarms as they ended (status, who handled them, their incident). */
  private async insertAlarms(json: string, tx: Db): Promise<void> {
    await tx.execute(
      sql`insert into alarms (id, rev, created_at, updated_at, event_source, event_id, event_type, event_at, rule_id, rule_name, priority,
            status, grid_code, lon, lat, zone_id, zone_name, actions, camera_ids, unit_ids, speaker_id, say, handled_by, handled_at,
            incident_id, fold_key, count, last_at, expires_at)
          select id, nextval('alarm_rev'), created_at, updated_at, event_source, event_id, event_type, event_at, rule_id, rule_name,
            priority, status, grid_code, lon, lat, zone_id, zone_name, actions, camera_ids, unit_ids, speaker_id, say, handled_by,
            handled_at, incident_id, fold_key, count, last_at, expires_at
          from jsonb_to_recordset(${json}::jsonb) as x(id text, created_at timestamptz, updated_at timestamptz,
            event_source text, event_id text, event_type text, event_at timestamptz, rule_id text, rule_name text, priority int,
            status text, grid_code text, lon float8, lat float8, zone_id text, zone_name text, actions jsonb, camera_ids jsonb,
            unit_ids jsonb, speaker_id text, say text, handled_by text, handled_at timestamptz, incident_id text, fold_key text,
            count int, last_at timestamptz, expires_at timestamptz, n int)
          order by n
          on conflict do nothing`,
    );
  }
}
