/**
 * A major event's report (issue 17): the rows of its window, SQL only. Candidates by a bounding box
 * (the service keeps those inside the exact perimeter) and by the caller's region prefix.
 *
 * Each read is capped (REPORT_*_MAX, the rows after the cap are not read; the service says so in
 * the report's `capped`): an event's window is at most 31 days and its perimeter a few km², so a
 * real one stays far below them, and a report never holds the hub on a runaway read. The alarms have
 * no index on their time alone (only per street), so the alarm read scans the window's rows: the
 * report is read by hand, a few times an event, not on a screen's refresh.
 */
import { and, asc, between, gte, inArray, lte, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../db/connect';
import { alarms, incidentTimeline, incidents } from '../db/schema';

/** The most alarm candidates (inside the box) a report reads. */
export const REPORT_ALARMS_MAX = 20_000;
/** The most incident candidates a report reads. */
export const REPORT_INCIDENTS_MAX = 5_000;
/** The most incident timeline rows a report reads (all its incidents together). */
export const REPORT_STEPS_MAX = 50_000;

export interface Bbox {
  west: number;
  south: number;
  east: number;
  north: number;
}

export interface ReportAlarmRow {
  id: string;
  createdAt: Date;
  priority: number;
  ruleName: string;
  eventType: string;
  status: string;
  gridCode: string;
  lon: number;
  lat: number;
  incidentId: string | null;
  raise: { eventId: string; name: string; from: number } | null;
}

export interface ReportIncidentRow {
  id: string;
  code: string;
  title: string;
  category: string;
  priority: number;
  status: (typeof incidents.$inferSelect)['status'];
  gridCode: string;
  lon: number;
  lat: number;
  createdAt: Date;
  firstDispatchedAt: Date | null;
  arrivedAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  escalations: number;
  breaches: string[];
}

export interface ReportStepRow {
  incidentId: string;
  at: Date;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  /** An SLA breach's clock (details.stage), else null. */
  stage: string | null;
  /** The escalation level a step left (details.escalations, breaches record it), else null. */
  escalations: number | null;
}

/** `left(grid_code, n) = prefix` ('' = everything), as the other repositories filter a scope. */
const under = (col: PgColumn, prefix: string) => (prefix ? sql`left(${col}, ${prefix.length}) = ${prefix}` : undefined);

export class MajorEventReportRepository {
  constructor(private readonly db: Db) {}

  /** Alarms raised in [from, to] inside the box under the prefix, oldest first; at most `limit`. */
  async alarmsIn(
    from: Date,
    to: Date,
    box: Bbox,
    prefix: string,
    limit = REPORT_ALARMS_MAX,
  ): Promise<ReportAlarmRow[]> {
    return this.db
      .select({
        id: alarms.id,
        createdAt: alarms.createdAt,
        priority: alarms.priority,
        ruleName: alarms.ruleName,
        eventType: alarms.eventType,
        status: alarms.status,
        gridCode: alarms.gridCode,
        lon: alarms.lon,
        lat: alarms.lat,
        incidentId: alarms.incidentId,
        raise: alarms.raise,
      })
      .from(alarms)
      .where(
        and(
          between(alarms.createdAt, from, to),
          between(alarms.lon, box.west, box.east),
          between(alarms.lat, box.south, box.north),
          under(alarms.gridCode, prefix),
        ),
      )
      .orderBy(asc(alarms.createdAt), asc(alarms.id))
      .limit(limit);
  }

  /** Incidents reported in [from, to] inside the box under the prefix, oldest first; at most `limit`. */
  async incidentsIn(
    from: Date,
    to: Date,
    box: Bbox,
    prefix: string,
    limit = REPORT_INCIDENTS_MAX,
  ): Promise<ReportIncidentRow[]> {
    return this.db
      .select({
        id: incidents.id,
        code: incidents.code,
        title: incidents.title,
        category: incidents.category,
        priority: incidents.priority,
        status: incidents.status,
        gridCode: incidents.gridCode,
        lon: incidents.lon,
        lat: incidents.lat,
        createdAt: incidents.createdAt,
        firstDispatchedAt: incidents.firstDispatchedAt,
        arrivedAt: incidents.arrivedAt,
        resolvedAt: incidents.resolvedAt,
        closedAt: incidents.closedAt,
        escalations: incidents.escalations,
        breaches: incidents.breaches,
      })
      .from(incidents)
      .where(
        and(
          gte(incidents.createdAt, from),
          lte(incidents.createdAt, to),
          between(incidents.lon, box.west, box.east),
          between(incidents.lat, box.south, box.north),
          under(incidents.gridCode, prefix),
        ),
      )
      .orderBy(asc(incidents.createdAt), asc(incidents.id))
      .limit(limit);
  }

  /** The timeline steps of these incidents taken at or before `to`, in order; at most `limit`. */
  async stepsOf(ids: readonly string[], to: Date, limit = REPORT_STEPS_MAX): Promise<ReportStepRow[]> {
    if (ids.length === 0) return [];
    const t = incidentTimeline;
    return this.db
      .select({
        incidentId: t.incidentId,
        at: t.at,
        action: t.action,
        fromStatus: t.fromStatus,
        toStatus: t.toStatus,
        stage: sql<string | null>`${t.details}->>'stage'`,
        escalations: sql<number | null>`case when jsonb_typeof(${t.details}->'escalations') = 'number'
          then (${t.details}->>'escalations')::int end`,
      })
      .from(t)
      .where(and(inArray(t.incidentId, [...ids]), lte(t.at, to)))
      .orderBy(asc(t.at), asc(t.id))
      .limit(limit);
  }
}
