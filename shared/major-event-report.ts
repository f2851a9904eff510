/**
 * A major event's report (issue 17): what happened inside its perimeter during its window. After
 * the event closes it is the after-action report (a printable page and a PDF); while the window is
 * open the same figures, "since the start", are the leader view's headline.
 *
 * Inside means inside the perimeter (not the buffer ring); during means from `startsAt` to the close
 * (`closedAt`, or `endsAt`), or to now while the window is open. Every time is an ISO string.
 */
import { z } from 'zod';
import { lonLat, unitKind, unitStatus } from './world';
import { INCIDENT_STATUSES } from './incident-machine';
import { majorEventView, POST_KINDS } from './major-events';

/** The longest timeline a report carries (the rest is counted, `timelineTruncated`). */
export const REPORT_TIMELINE_MAX = 2000;

const iso = z.string();
const priority = z.number().int().min(1).max(4);

export const reportAlarm = z.object({
  id: z.string(),
  at: iso,
  priority,
  /** The rule's priority when the event raised it, else null. */
  raisedFrom: priority.nullable(),
  ruleName: z.string(),
  eventType: z.string(),
  status: z.string(),
  gridCode: z.string(),
  position: lonLat,
  incidentId: z.string().nullable(),
});
export type ReportAlarm = z.infer<typeof reportAlarm>;

export const reportIncident = z.object({
  id: z.string(),
  code: z.string(),
  title: z.string(),
  category: z.string(),
  priority,
  status: z.enum(INCIDENT_STATUSES),
  position: lonLat,
  createdAt: iso,
  firstDispatchedAt: iso.nullable(),
  arrivedAt: iso.nullable(),
  resolvedAt: iso.nullable(),
  closedAt: iso.nullable(),
  escalations: z.number().int(),
  /** SLA clocks breached (their names, as the incident keeps them). */
  breaches: z.array(z.string()),
});
export type ReportIncident = z.infer<typeof reportIncident>;

/** One line of the timeline: an alarm raised, or a step of an incident inside (its timeline's action). */
export const reportTimelineEntry = z.object({
  at: iso,
  kind: z.enum(['alarm', 'incident']),
  /** The alarm's or the incident's id. */
  id: z.string(),
  /** The alarm's rule name, or the incident's code. */
  label: z.string(),
  /** 'raised' for an alarm; the incident timeline's action (report, dispatch, escalate, close, …). */
  action: z.string(),
  /** The incident's status after the step (null for alarms and steps that do not move it). */
  toStatus: z.string().nullable(),
  priority,
});
export type ReportTimelineEntry = z.infer<typeof reportTimelineEntry>;

/** Response figures, seconds; null where nothing was measured. */
export const reportFigures = z.object({
  alarms: z.number().int(),
  /** Alarms the event raised one priority. */
  raised: z.number().int(),
  /** Alarms by priority, [P1, P2, P3, P4]. */
  byPriority: z.tuple([z.number().int(), z.number().int(), z.number().int(), z.number().int()]),
  falseAlarms: z.number().int(),
  incidents: z.number().int(),
  /** Incidents not closed, merged or cancelled at the end of the report's window. */
  open: z.number().int(),
  closed: z.number().int(),
  /** Incidents escalated at least once. */
  escalated: z.number().int(),
  /** Incidents with at least one SLA clock breached. */
  breached: z.number().int(),
  dispatchMedianS: z.number().nullable(),
  dispatchP90S: z.number().nullable(),
  arriveMedianS: z.number().nullable(),
  arriveP90S: z.number().nullable(),
  resolveMedianS: z.number().nullable(),
  posts: z.number().int(),
  unitsDeployed: z.number().int(),
  staff: z.number().int(),
});
export type ReportFigures = z.infer<typeof reportFigures>;

export const reportPost = z.object({
  name: z.string(),
  kind: z.enum(POST_KINDS),
  position: lonLat,
  staff: z.array(z.string()),
  /** The post's units as they stand now (a unit gone from the world is left out). */
  units: z.array(z.object({ id: z.string(), name: z.string(), kind: unitKind, status: unitStatus })),
});
export type ReportPost = z.infer<typeof reportPost>;

export const majorEventReport = z.object({
  event: majorEventView,
  /** The report's window; `final`: the event has closed (an after-action report), else "so far". */
  window: z.object({ from: iso, to: iso, final: z.boolean() }),
  generatedAt: iso,
  figures: reportFigures,
  posts: z.array(reportPost),
  alarms: z.array(reportAlarm),
  incidents: z.array(reportIncident),
  /** Incidents escalated or with a breached clock, the most escalated first. */
  escalations: z.array(reportIncident),
  /** Oldest first; at most REPORT_TIMELINE_MAX lines. */
  timeline: z.array(reportTimelineEntry),
  timelineTruncated: z.number().int(),
  /** The event region's name (its code when the world no longer has it). */
  regionName: z.string(),
  /** The event region's boundary (the map's context), rings of [lon, lat]. */
  regionBoundary: z.array(z.array(lonLat)),
  /**
   * Which reads reached the hub's cap (20,000 alarms, 5,000 incidents, 50,000 timeline steps in the
   * perimeter's box): the lists and figures then leave out the latest rows. Absent from older hubs.
   */
  capped: z.object({ alarms: z.boolean(), incidents: z.boolean(), steps: z.boolean() }).optional(),
});
export type MajorEventReport = z.infer<typeof majorEventReport>;
