/**
 * The demo city's history (issue 16) in bulk: incidents, their timelines and sources, alarms and
 * events as the hub's services would have written them, each batch one JSON parameter expanded by
 * jsonb_to_recordset (as the world and events are inserted). SQL only; the caller holds the
 * transaction (with `stats.bulk` on, so the rollup triggers skip, and `stats_rebuild()` after).
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/connect';
import { alarmRecord, type NewAlarm } from './alarm.repository';
import type { NewTimeline } from './incident-timeline.repository';
import type { SourceRow } from './incident-source.repository';
import type { NewIncident } from './incident.repository';

/** An incident as the history made it: every column but the rev (its jsonb lists as read-only arrays). */
export type HistoryIncident = Omit<NewIncident, 'assignments' | 'breaches' | 'mergedFrom'> & {
  code: string;
  version: number;
  assignments: readonly NewIncident['assignments'][number][];
  breaches: readonly string[];
  mergedFrom: readonly string[];
};

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

  /** Incidents with their codes; revs in the order given. */
  async insertIncidents(rows: readonly HistoryIncident[], tx: Db): Promise<void> {
    if (rows.length === 0) return;
    const json = JSON.stringify(
      rows.map((r, n) => ({
        n,
        id: r.id,
        code: r.code,
        version: r.version,
        kind: r.kind,
        category: r.category,
        priority: r.priority,
        title: r.title,
        description: r.description,
        status: r.status,
        source: r.source,
        external_id: r.externalId ?? null,
        tracking_code: r.trackingCode ?? null,
        reporter: r.reporter ?? null,
        grid_code: r.gridCode,
        lon: r.lon,
        lat: r.lat,
        address: r.address,
        department: r.department,
        assignments: r.assignments,
        escalations: r.escalations,
        max_escalations: r.maxEscalations,
        created_at: r.createdAt,
        updated_at: r.updatedAt,
        first_dispatched_at: r.firstDispatchedAt ?? null,
        dispatched_at: r.dispatchedAt ?? null,
        unit_accepted_at: r.unitAcceptedAt ?? null,
        arrived_at: r.arrivedAt ?? null,
        resolved_at: r.resolvedAt ?? null,
        closed_at: r.closedAt ?? null,
        accepted_at: r.acceptedAt ?? null,
        verified_at: r.verifiedAt ?? null,
        rejections: r.rejections ?? 0,
        resolve_due_at: r.resolveDueAt ?? null,
        due_at: r.dueAt ?? null,
        breaches: r.breaches,
        flagged: r.flagged,
        merged_into: r.mergedInto ?? null,
        merged_from: r.mergedFrom,
        rating: r.rating ?? null,
        rating_comment: r.ratingComment ?? null,
        photo_ids: r.photoIds,
        dispute: r.dispute ?? null,
      })),
    );
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

  async insertTimeline(rows: readonly NewTimeline[], tx: Db): Promise<void> {
    if (rows.length === 0) return;
    const json = JSON.stringify(
      rows.map((r, n) => ({
        n,
        incident_id: r.incidentId,
        at: r.at,
        action: r.action,
        from_status: r.fromStatus ?? null,
        to_status: r.toStatus ?? null,
        actor: r.actor,
        actor_id: r.actorId,
        actor_name: r.actorName,
        note: r.note ?? null,
        details: r.details ?? null,
      })),
    );
    await tx.execute(
      sql`insert into incident_timeline (incident_id, at, action, from_status, to_status, actor, actor_id, actor_name, note, details)
          select incident_id, at, action, from_status, to_status, actor, actor_id, actor_name, note, details
          from jsonb_to_recordset(${json}::jsonb) as x(incident_id text, at timestamptz, action text, from_status text,
            to_status text, actor text, actor_id text, actor_name text, note text, details jsonb, n int)
          order by n`,
    );
  }

  async insertSources(rows: readonly SourceRow[], tx: Db): Promise<void> {
    if (rows.length === 0) return;
    const json = JSON.stringify(
      rows.map((r) => ({ incident_id: r.incidentId, kind: r.kind, ref: r.ref, at: r.at, summary: r.summary })),
    );
    await tx.execute(
      sql`insert into incident_sources (incident_id, kind, ref, at, summary)
          select incident_id, kind, ref, at, summary
          from jsonb_to_recordset(${json}::jsonb) as x(incident_id text, kind text, ref text, at timestamptz, summary text)
          on conflict do nothing`,
    );
  }

  /** Alarms as they ended (status, who handled them, their incident); revs in the order given. */
  async insertAlarms(rows: readonly NewAlarm[], tx: Db): Promise<void> {
    if (rows.length === 0) return;
    const json = JSON.stringify(rows.map((r, n) => ({ n, ...alarmRecord(r) })));
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
