/**
 * What each step of an incident's loop changes (issue 6): incident-machine.ts says whether a step is
 * allowed and which status follows; this module says what else follows from it: the assignments,
 * which units turn busy or free, the stage times, the timeline entries, the escalation level and
 * the next SLA deadline. Also the opening of a new incident, an SLA breach, a merge seen from the
 * incident merged into, and the citizen's rating closing the loop. What they read and return, and
 * what follows from a row as it is, are in incident-facts.ts.
 *
 * Pure: no I/O and no clock (callers pass `at`). The hub's incident services read the row under
 * its lock, ask these functions, and write what they return; times are Dates, as the hub stores them.
 */
import { transition, type ActionInput, type TransitionRecord } from './incident-machine';
import type { AssignmentView, IncidentSource } from './incidents';
import { nextDue, stageMinutes, type SlaPolicy, type SlaStage, type StageTimes } from './sla';
import {
  activeUnits,
  dueDate,
  maxEscalationsOf,
  stateOf,
  type Change,
  type IncidentFacts,
  type IncidentPatch,
  type Reporter,
  type TimelineEntry,
  type UnitLookup,
} from './incident-facts';

// ------------------------------------------------------------------ steps

/** A new incident: reported, its first deadline, and (a high-risk dispute) escalated, flagged and supervised at once. */
export function reportedEffects(
  d: { category: string; priority: number; gridCode: string; source: IncidentSource; createdAt: Date },
  who: Reporter,
  policy: SlaPolicy,
  risk: { level: string; score: number } | null,
): {
  set: Required<
    Pick<
      IncidentPatch,
      | 'status'
      | 'assignments'
      | 'escalations'
      | 'maxEscalations'
      | 'dueAt'
      | 'resolveDueAt'
      | 'breaches'
      | 'flagged'
      | 'mergedFrom'
    >
  >;
  supervised: boolean;
  timeline: TimelineEntry[];
} {
  const times: StageTimes = {
    createdAt: d.createdAt.getTime(),
    dispatchedAt: null,
    firstDispatchedAt: null,
    unitAcceptedAt: null,
    arrivedAt: null,
    resolvedAt: null,
  };
  const escalate = risk?.level === 'high';
  const maxEscalations = maxEscalationsOf(d.gridCode);
  const minutes = stageMinutes(policy, d.category, d.priority);
  const timeline: TimelineEntry[] = [
    {
      at: d.createdAt,
      action: 'report',
      fromStatus: null,
      toStatus: 'reported',
      actor: who.actor,
      actorId: who.actorId,
      actorName: who.actorName,
      note: who.note,
      ...(who.hubNote ? { hubNote: who.hubNote } : {}),
      details: { source: d.source },
    },
  ];
  if (escalate) timeline.push(highRiskEntry(d.createdAt, risk.score));
  return {
    set: {
      status: 'reported',
      assignments: [],
      escalations: escalate ? Math.min(1, maxEscalations) : 0,
      maxEscalations,
      dueAt: dueDate(nextDue(times, minutes, [])),
      resolveDueAt: new Date(d.createdAt.getTime() + minutes.resolve * 60_000),
      breaches: [],
      flagged: escalate,
      mergedFrom: [],
    },
    supervised: escalate,
    timeline,
  };
}

export type Step = { ok: true; change: Change; record: TransitionRecord } | { ok: false; reason: string };

/**
 * One action through the machine and what follows from it; refused (with the machine's reason) as
 * the machine refuses. A merge's other side is `mergedInEffects`; a dispute's new risk score after
 * an escalation needs the database (the hub's dispute scoring).
 */
export function stepEffects(row: IncidentFacts, input: ActionInput, actorName: string, unitOf: UnitLookup): Step {
  const r = transition(stateOf(row), input);
  if (!r.ok) return r;
  const at = new Date(input.at);
  const iso = input.at;
  const set: IncidentPatch = { status: r.next.status, escalations: r.next.escalations, updatedAt: at };
  let assignments = row.assignments.map((a) => ({ ...a }));
  const change: Change = {
    set,
    timeline: [
      {
        at,
        action: input.action,
        fromStatus: row.status,
        toStatus: r.next.status,
        actor: input.actor,
        actorId: input.actorId,
        actorName,
        note: r.record.note,
        details: input.unitIds ? { units: input.unitIds } : input.intoId ? { into: input.intoId } : null,
      },
    ],
  };
  const mine = (a: AssignmentView) =>
    a.unitId === input.unitId && (a.status === 'assigned' || a.status === 'accepted' || a.status === 'arrived');
  const release = (keepResponse: boolean) => {
    change.free = activeUnits(assignments);
    assignments = assignments.map((a) =>
      activeUnits([a]).length
        ? { ...a, status: 'released', ...(keepResponse ? { respondedAt: a.respondedAt ?? iso } : {}) }
        : a,
    );
  };
  switch (input.action) {
    case 'dispatch':
      for (const id of input.unitIds ?? []) {
        const u = unitOf(id);
        assignments.push({
          unitId: id,
          callsign: u.callsign,
          kind: u.kind,
          status: 'assigned',
          assignedAt: iso,
          respondedAt: null,
        });
      }
      change.busy = [...(input.unitIds ?? [])];
      if (row.status === 'accepted') {
        set.dispatchedAt = at;
        set.firstDispatchedAt = row.firstDispatchedAt ?? at;
      }
      break;
    case 'unit_accept':
      assignments = assignments.map((a) =>
        mine(a) && a.status === 'assigned' ? { ...a, status: 'accepted', respondedAt: iso } : a,
      );
      if (row.status === 'dispatched') set.unitAcceptedAt = at;
      break;
    case 'unit_decline':
      assignments = assignments.map((a) => (mine(a) ? { ...a, status: 'declined', respondedAt: iso } : a));
      change.free = [input.unitId!];
      break;
    case 'arrive':
      assignments = assignments.map((a) => (mine(a) ? { ...a, status: 'arrived', respondedAt: iso } : a));
      if (row.status !== 'on_scene') set.arrivedAt = at;
      break;
    case 'resolve':
      set.resolvedAt = at;
      release(true);
      break;
    case 'reject':
      // Not done: back to the centre, which dispatches again; the stage clocks after dispatch restart then.
      set.rejections = (row.rejections ?? 0) + 1;
      set.resolvedAt = null;
      set.unitAcceptedAt = null;
      set.arrivedAt = null;
      set.dispatchedAt = null;
      break;
    case 'verify':
      set.verifiedAt = at;
      // No citizen to rate it (not a citizen's report): the loop closes now.
      if (!row.trackingCode) {
        set.status = 'closed';
        set.closedAt = at;
        change.timeline.push({
          at,
          action: 'close',
          fromStatus: 'verified',
          toStatus: 'closed',
          actor: 'system',
          actorId: 'hub',
          actorName: '',
          note: null,
          hubNote: { key: 'timeline.noRatingToWait', params: {} },
          details: null,
        });
      }
      break;
    case 'close':
      set.closedAt = at;
      break;
    case 'merge':
      set.mergedInto = input.intoId!;
      set.closedAt = at;
      release(false);
      break;
    case 'cancel':
      set.closedAt = at;
      release(false);
      break;
    case 'accept':
      set.acceptedAt = row.acceptedAt ?? at;
      break;
    case 'escalate':
    case 'rate':
      break;
  }
  set.assignments = assignments;
  return { ok: true, change, record: r.record };
}

/**
 * The other side of a merge: the incident merged into keeps the merged one (and those merged into
 * it), takes the more urgent priority, gets it as a source and a 'merged_in' timeline entry. The
 * merged incident's own sources are copied over by the caller.
 */
export function mergedInEffects(
  into: IncidentFacts,
  from: IncidentFacts,
  record: TransitionRecord,
  actorName: string,
): Change {
  const at = new Date(record.at);
  return {
    set: {
      mergedFrom: [...into.mergedFrom, from.id, ...from.mergedFrom],
      updatedAt: at,
      priority: Math.min(into.priority, from.priority),
    },
    timeline: [
      {
        at,
        action: 'merged_in',
        fromStatus: into.status,
        toStatus: into.status,
        actor: record.actor,
        actorId: record.actorId,
        actorName,
        note: record.note,
        details: { from: from.id, code: from.code },
      },
    ],
    sources: [
      {
        kind: 'incident',
        ref: from.id,
        at: from.createdAt,
        summary: { key: 'source.incident', params: { code: from.code, title: from.title } },
      },
    ],
  };
}

/** The citizen's rating (after the machine's 'rate'): stored, and the loop closes. */
export function ratedEffects(rated: Change, score: number, comment: string, at: Date): Change {
  return {
    ...rated,
    set: { ...rated.set, rating: score, ratingComment: comment, status: 'closed', closedAt: at },
    timeline: [
      ...rated.timeline,
      {
        at,
        action: 'close',
        fromStatus: 'rated',
        toStatus: 'closed',
        actor: 'system',
        actorId: 'hub',
        actorName: '',
        note: null,
        hubNote: { key: 'timeline.rated', params: {} },
        details: null,
      },
    ],
  };
}

/** Deadlines passed (`fresh`, from freshBreaches): recorded, the incident flagged and escalated one level (at most to the top). */
export function breachEffects(row: IncidentFacts, fresh: readonly SlaStage[], at: Date): Change {
  const escalations = Math.min(row.maxEscalations, row.escalations + (fresh.length ? 1 : 0));
  return {
    set: {
      breaches: [...row.breaches, ...fresh],
      flagged: row.flagged || fresh.length > 0,
      escalations,
      updatedAt: at,
    },
    timeline: fresh.map((stage) => ({
      at,
      action: 'sla_breach',
      fromStatus: row.status,
      toStatus: row.status,
      actor: 'system',
      actorId: 'hub',
      actorName: '',
      note: null,
      hubNote: { key: 'timeline.slaBreach', params: { stage } },
      details: { stage, escalations },
    })),
  };
}

/** The timeline entry of a dispute whose risk turned high. */
export function highRiskEntry(at: Date, score: number): TimelineEntry {
  return {
    at,
    action: 'risk_high',
    fromStatus: null,
    toStatus: null,
    actor: 'system',
    actorId: 'hub',
    actorName: '',
    note: null,
    hubNote: { key: 'timeline.riskHigh', params: { score } },
    details: { score },
  };
}
