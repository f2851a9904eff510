/**
 * A major event's report, the pure part (issue 17): from the rows inside its perimeter and window,
 * the alarms and incidents as the report lists them, the headline figures, the escalations and the
 * merged timeline. No I/O: unit tests call it with fixtures (tests/unit/major-event-figures.test.ts).
 *
 * Everything is "as at the window's end" (`to`), so a final report reads the same however late it
 * is printed: an incident's status is its timeline's last status at or before `to`, its stage times
 * count only when they fall in the window, its escalations and breaches are the timeline's up to
 * then. The response figures are exact seconds by nearest rank (the percentile helper of the
 * dashboards, stats/percentile.ts, works on the rollups' minute buckets, not on raw durations).
 */
import type { ReportAlarmRow, ReportIncidentRow, ReportStepRow } from '../repositories/major-event-report.repository';
import { INCIDENT_STATUSES, OPEN_STATUSES, type IncidentStatus } from '@shared/incident-machine';
import {
  REPORT_TIMELINE_MAX,
  type ReportAlarm,
  type ReportFigures,
  type ReportIncident,
  type ReportPost,
  type ReportTimelineEntry,
} from '@shared/major-event-report';

export interface ReportFacts {
  eventId: string;
  to: Date;
  /** Inside the perimeter and the caller's scope, oldest first. */
  alarms: readonly ReportAlarmRow[];
  incidents: readonly ReportIncidentRow[];
  /** The incidents' timeline steps at or before `to`, in order. */
  steps: readonly ReportStepRow[];
  posts: readonly ReportPost[];
  /** The most timeline lines to keep (REPORT_TIMELINE_MAX). */
  timelineMax?: number;
}

export interface ReportParts {
  figures: ReportFigures;
  alarms: ReportAlarm[];
  incidents: ReportIncident[];
  escalations: ReportIncident[];
  timeline: ReportTimelineEntry[];
  timelineTruncated: number;
}

/** The p-th percentile (0..1) of `values` by nearest rank; null when there are none. */
export function nearestRank(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length))) - 1]!;
}

const STATUSES: ReadonlySet<string> = new Set(INCIDENT_STATUSES);
const priorityOf = (p: number): number => Math.min(4, Math.max(1, Math.round(p)));

/** An incident as at `to`, from its row and its steps up to then. */
function incidentAt(row: ReportIncidentRow, steps: readonly ReportStepRow[], to: Date): ReportIncident {
  const inWindow = (t: Date | null) => (t !== null && t.getTime() <= to.getTime() ? t.toISOString() : null);
  let status: IncidentStatus = row.status;
  let escalations = 0;
  const breaches: string[] = [];
  if (steps.length > 0) {
    // The timeline holds every transition from the report on; its last status is the one at `to`.
    status = 'reported';
    for (const s of steps) {
      if (s.toStatus !== null && STATUSES.has(s.toStatus)) status = s.toStatus as IncidentStatus;
      if (s.action === 'escalate') escalations++;
      if (s.escalations !== null) escalations = Math.max(escalations, s.escalations);
      if (s.action === 'sla_breach' && s.stage !== null && !breaches.includes(s.stage)) breaches.push(s.stage);
    }
    // Never more than the row holds now (the level is capped at the top).
    escalations = Math.min(escalations, row.escalations);
  } else {
    escalations = row.escalations;
    breaches.push(...row.breaches);
  }
  return {
    id: row.id,
    code: row.code,
    title: row.title,
    category: row.category,
    priority: priorityOf(row.priority),
    status,
    position: [row.lon, row.lat],
    createdAt: row.createdAt.toISOString(),
    firstDispatchedAt: inWindow(row.firstDispatchedAt),
    arrivedAt: inWindow(row.arrivedAt),
    resolvedAt: inWindow(row.resolvedAt),
    closedAt: inWindow(row.closedAt),
    escalations,
    breaches,
  };
}

function alarmOf(row: ReportAlarmRow, eventId: string): ReportAlarm {
  return {
    id: row.id,
    at: row.createdAt.toISOString(),
    priority: priorityOf(row.priority),
    raisedFrom: row.raise?.eventId === eventId ? priorityOf(row.raise.from) : null,
    ruleName: row.ruleName,
    eventType: row.eventType,
    status: row.status,
    gridCode: row.gridCode,
    position: [row.lon, row.lat],
    incidentId: row.incidentId,
  };
}

const seconds = (from: string, to: string | null): number | null =>
  to === null ? null : Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
const measured = (xs: (number | null)[]): number[] => xs.filter((x): x is number => x !== null);

export function reportParts(f: ReportFacts): ReportParts {
  const max = f.timelineMax ?? REPORT_TIMELINE_MAX;
  const stepsBy = new Map<string, ReportStepRow[]>();
  for (const s of f.steps) {
    const list = stepsBy.get(s.incidentId);
    if (list) list.push(s);
    else stepsBy.set(s.incidentId, [s]);
  }
  const alarms = f.alarms.map((a) => alarmOf(a, f.eventId));
  const incidents = f.incidents.map((i) => incidentAt(i, stepsBy.get(i.id) ?? [], f.to));

  const byPriority: [number, number, number, number] = [0, 0, 0, 0];
  for (const a of alarms) byPriority[a.priority - 1]!++;
  const dispatch = measured(incidents.map((i) => seconds(i.createdAt, i.firstDispatchedAt)));
  const arrive = measured(incidents.map((i) => seconds(i.createdAt, i.arrivedAt)));
  const resolve = measured(incidents.map((i) => seconds(i.createdAt, i.resolvedAt)));
  const figures: ReportFigures = {
    alarms: alarms.length,
    raised: alarms.filter((a) => a.raisedFrom !== null).length,
    byPriority,
    falseAlarms: alarms.filter((a) => a.status === 'false_alarm').length,
    incidents: incidents.length,
    open: incidents.filter((i) => OPEN_STATUSES.has(i.status)).length,
    closed: incidents.filter((i) => i.status === 'closed').length,
    escalated: incidents.filter((i) => i.escalations > 0).length,
    breached: incidents.filter((i) => i.breaches.length > 0).length,
    dispatchMedianS: nearestRank(dispatch, 0.5),
    dispatchP90S: nearestRank(dispatch, 0.9),
    arriveMedianS: nearestRank(arrive, 0.5),
    arriveP90S: nearestRank(arrive, 0.9),
    resolveMedianS: nearestRank(resolve, 0.5),
    posts: f.posts.length,
    unitsDeployed: new Set(f.posts.flatMap((p) => p.units.map((u) => u.id))).size,
    staff: f.posts.reduce((n, p) => n + p.staff.length, 0),
  };

  const escalations = incidents
    .filter((i) => i.escalations > 0 || i.breaches.length > 0)
    .sort(
      (a, b) =>
        b.escalations - a.escalations ||
        b.breaches.length - a.breaches.length ||
        a.createdAt.localeCompare(b.createdAt) ||
        a.id.localeCompare(b.id),
    );

  const byId = new Map(incidents.map((i) => [i.id, i]));
  const lines: (ReportTimelineEntry & { t: number; n: number })[] = [];
  for (const a of alarms)
    lines.push({
      at: a.at,
      kind: 'alarm',
      id: a.id,
      label: a.ruleName,
      action: 'raised',
      toStatus: null,
      priority: a.priority,
      t: Date.parse(a.at),
      n: lines.length,
    });
  for (const s of f.steps) {
    const i = byId.get(s.incidentId);
    if (!i) continue;
    lines.push({
      at: s.at.toISOString(),
      kind: 'incident',
      id: i.id,
      label: i.code,
      action: s.action,
      toStatus: s.toStatus !== null && s.toStatus !== s.fromStatus ? s.toStatus : null,
      priority: i.priority,
      t: s.at.getTime(),
      n: lines.length,
    });
  }
  // Oldest first; at one instant an alarm before the incident made of it, else as read.
  lines.sort((a, b) => a.t - b.t || a.n - b.n);
  const timeline = lines.slice(0, max).map(({ t: _t, n: _n, ...line }) => line);
  return { figures, alarms, incidents, escalations, timeline, timelineTruncated: lines.length - timeline.length };
}

/** The figures of an empty window (an event not started yet). */
export function emptyParts(posts: readonly ReportPost[]): ReportParts {
  return reportParts({ eventId: '', to: new Date(0), alarms: [], incidents: [], steps: [], posts });
}
