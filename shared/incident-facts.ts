/**
 * What the incident effects (incident-effects.ts) work on: the facts they read of a stored
 * incident, the change they return (patch, timeline and source entries), and what follows from a
 * row as it is: its machine state, active units, stage times, the region it is handled at, its
 * next SLA deadline and the deadlines it has newly missed.
 *
 * Pure: no I/O and no clock (callers pass `now`); times are Dates, as the hub stores them.
 */
import { OPEN_STATUSES, type IncidentActor, type IncidentState, type IncidentStatus } from './incident-machine';
import type { HubNote, SourceSummary } from './hub-text';
import type { AssignmentView, DisputeView } from './incidents';
import { dueBreaches, nextDue, stageMinutes, type SlaPolicy, type SlaStage, type StageTimes } from './sla';

/** Region code lengths, from where an incident happens up to the city: escalation goes one step up. */
export const LEVELS = [15, 12, 9, 6, 4] as const;

/** What the effects read of a stored incident (the hub's row has these and more). */
export interface IncidentFacts {
  id: string;
  code: string;
  title: string;
  status: IncidentStatus;
  category: string;
  priority: number;
  assignments: readonly AssignmentView[];
  escalations: number;
  maxEscalations: number;
  trackingCode: string | null;
  breaches: readonly string[];
  flagged: boolean;
  mergedFrom: readonly string[];
  createdAt: Date;
  firstDispatchedAt: Date | null;
  dispatchedAt: Date | null;
  unitAcceptedAt: Date | null;
  arrivedAt: Date | null;
  resolvedAt: Date | null;
  /** First accepted by the centre (figures only; absent in older callers' rows). */
  acceptedAt?: Date | null;
  /** Times a grid worker sent it back as not resolved. */
  rejections?: number;
}

/** The columns a change sets (each a column of the hub's incident row). */
export interface IncidentPatch {
  status?: IncidentStatus;
  assignments?: AssignmentView[];
  escalations?: number;
  maxEscalations?: number;
  priority?: number;
  updatedAt?: Date;
  firstDispatchedAt?: Date | null;
  dispatchedAt?: Date | null;
  unitAcceptedAt?: Date | null;
  arrivedAt?: Date | null;
  resolvedAt?: Date | null;
  closedAt?: Date | null;
  dueAt?: Date | null;
  /** Figures (issue 16): first accepted, last verified, times sent back, the resolve clock's deadline set at the report. */
  acceptedAt?: Date | null;
  verifiedAt?: Date | null;
  rejections?: number;
  resolveDueAt?: Date | null;
  breaches?: string[];
  flagged?: boolean;
  mergedInto?: string | null;
  mergedFrom?: string[];
  rating?: number | null;
  ratingComment?: string | null;
  dispute?: DisputeView | null;
}

/** One timeline entry of the incident being changed (its id is added when it is written). */
export interface TimelineEntry {
  at: Date;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  actor: IncidentActor;
  actorId: string;
  /** The person's name ('' for the system, or a citizen who gave none). */
  actorName: string;
  /** What a person typed. */
  note: string | null;
  /** What the hub notes itself, as a key (shared/hub-text.ts); stored within `details`. */
  hubNote?: HubNote;
  details: Record<string, unknown> | null;
}

/** One source of the incident being changed (an alarm, a report, an incident merged in). */
export interface SourceEntry {
  kind: 'alarm' | 'event' | 'report' | 'incident';
  ref: string;
  at: Date;
  summary: SourceSummary;
}

/** A change to one incident: the columns to set, timeline entries, sources, and units to mark busy (on it) or free. */
export interface Change {
  set: IncidentPatch;
  timeline: TimelineEntry[];
  sources?: SourceEntry[];
  busy?: string[];
  free?: string[];
}

/** What an assignment records of a unit (from the live unit index). */
export type UnitLookup = (unitId: string) => { callsign: string; kind: string };

/** Who reports a new incident, as its first timeline entry names them. */
export interface Reporter {
  actor: IncidentActor;
  actorId: string;
  actorName: string;
  note: string | null;
  hubNote?: HubNote;
}

// ------------------------------------------------------------------ reading a row

/** What the machine needs to know of an incident. */
export function stateOf(row: IncidentFacts): IncidentState {
  return {
    status: row.status,
    units: activeUnits(row.assignments),
    escalations: row.escalations,
    maxEscalations: row.maxEscalations,
  };
}

/**
 * A unit's current assignment on an incident: its latest row, or null when it was never sent.
 * Each dispatch appends a row, so a unit that declined and was sent again has two; the first is
 * history, and reading it instead (as the phone once did) shows "declined" while the unit is
 * assigned again.
 */
export function unitAssignment<A extends Pick<AssignmentView, 'unitId'>>(
  assignments: readonly A[],
  unitId: string,
): A | null {
  for (let i = assignments.length - 1; i >= 0; i--) if (assignments[i]!.unitId === unitId) return assignments[i]!;
  return null;
}

/** Units still on the incident (not declined, not released). */
export function activeUnits(assignments: readonly AssignmentView[]): string[] {
  return assignments
    .filter((a) => a.status === 'assigned' || a.status === 'accepted' || a.status === 'arrived')
    .map((a) => a.unitId);
}

export function timesOf(
  r: Pick<
    IncidentFacts,
    'createdAt' | 'dispatchedAt' | 'firstDispatchedAt' | 'unitAcceptedAt' | 'arrivedAt' | 'resolvedAt'
  >,
): StageTimes {
  const ms = (d: Date | null | undefined) => (d ? d.getTime() : null);
  return {
    createdAt: r.createdAt.getTime(),
    dispatchedAt: ms(r.dispatchedAt),
    firstDispatchedAt: ms(r.firstDispatchedAt),
    unitAcceptedAt: ms(r.unitAcceptedAt),
    arrivedAt: ms(r.arrivedAt),
    resolvedAt: ms(r.resolvedAt),
  };
}

/** The SLA clocks stop once the loop is closed, and while the work waits for verification and rating. */
export function clocksStopped(status: IncidentStatus): boolean {
  return !OPEN_STATUSES.has(status) || status === 'resolved' || status === 'verified' || status === 'rated';
}

/** The region an incident is handled at: its grid's ancestor `escalations` levels up (the city's code ends in 00). */
export function levelCode(gridCode: string, escalations: number): string {
  const len = LEVELS[Math.min(escalations, LEVELS.length - 1)]!;
  return len === 4 ? `${gridCode.slice(0, 4)}00` : gridCode.slice(0, len);
}

/** How many levels lie above where an incident happened (a grid's incident can go up to the city). */
export function maxEscalationsOf(gridCode: string): number {
  return LEVELS.filter((l) => l < gridCode.length).length;
}

/** A deadline in ms as the Date the hub stores, or null for none. */
export const dueDate = (ms: number | null) => (ms === null ? null : new Date(ms));

/** The next SLA deadline not handled yet (`due_at`, what the breach sweep reads), or null when no clock runs. */
export function nextDeadline(row: IncidentFacts, policy: SlaPolicy): Date | null {
  return dueDate(
    nextDue(
      timesOf(row),
      stageMinutes(policy, row.category, row.priority),
      row.breaches as SlaStage[],
      clocksStopped(row.status),
    ),
  );
}

/** The stages whose deadline has passed at `now` and that are not breached yet. */
export function freshBreaches(row: IncidentFacts, policy: SlaPolicy, now: number): SlaStage[] {
  return dueBreaches(
    timesOf(row),
    stageMinutes(policy, row.category, row.priority),
    row.breaches as SlaStage[],
    now,
    !OPEN_STATUSES.has(row.status),
  );
}
