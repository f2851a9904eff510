/**
 * The incident state machine (issue 6): the closed loop, as pure data and one pure function, shared
 * by the hub (which enforces it) and the screens (which offer only the actions it allows).
 *
 *   reported ─accept→ accepted ─dispatch→ dispatched ─unit_accept→ unit_accepted ─arrive→ on_scene
 *      ─resolve→ resolved ─verify→ verified ─rate→ rated ─close→ closed
 *
 * - unit_decline: a dispatched unit says no (before any unit accepted); with no other unit still
 *   assigned the incident goes back to `accepted` (waiting for dispatch), otherwise it stays
 *   dispatched to the others.
 * - dispatch again from `dispatched` / `unit_accepted` / `on_scene` adds units (reinforcements).
 * - reject (网格验收不通过): the grid worker finds it not resolved → back to `accepted`: the centre
 *   dispatches again (the units were released on resolving and may be elsewhere by now).
 * - close from `verified` without a rating: the citizen gave none (rating is optional).
 * - escalate: any open incident goes one region level up; the status does not change.
 * - merge (into another incident) and cancel (a false alarm) end an incident that is not resolved yet.
 *
 * Every transition records who (actor kind and id), when and a note; an illegal one is refused with
 * a message that says why. No I/O, no clock: the caller passes `at`.
 */

export const INCIDENT_STATUSES = [
  'reported',
  'accepted',
  'dispatched',
  'unit_accepted',
  'on_scene',
  'resolved',
  'verified',
  'rated',
  'closed',
  'merged',
  'cancelled',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const INCIDENT_ACTIONS = [
  'accept',
  'dispatch',
  'unit_accept',
  'unit_decline',
  'arrive',
  'resolve',
  'verify',
  'reject',
  'rate',
  'close',
  'escalate',
  'merge',
  'cancel',
] as const;
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number];

/** Who acts: the command centre (dispatchers, commanders), a field unit, the grid worker who verifies, the citizen, the hub itself (SLA breaches, automatic closing). */
export const INCIDENT_ACTORS = ['centre', 'unit', 'grid_worker', 'citizen', 'system'] as const;
export type IncidentActor = (typeof INCIDENT_ACTORS)[number];

/** The statuses in which an incident is still open (its loop is not closed). */
export const OPEN_STATUSES: ReadonlySet<IncidentStatus> = new Set([
  'reported',
  'accepted',
  'dispatched',
  'unit_accepted',
  'on_scene',
  'resolved',
  'verified',
  'rated',
]);
/** Statuses before the work is done: merging and cancelling are possible only here. */
const UNRESOLVED: readonly IncidentStatus[] = ['reported', 'accepted', 'dispatched', 'unit_accepted', 'on_scene'];

interface Rule {
  from: readonly IncidentStatus[];
  /** The next status (a function for the transitions that depend on the incident). */
  to: IncidentStatus | ((i: IncidentState, a: ActionInput) => IncidentStatus);
  by: readonly IncidentActor[];
}

const RULES: Record<IncidentAction, Rule> = {
  accept: { from: ['reported'], to: 'accepted', by: ['centre', 'system'] },
  dispatch: {
    from: ['accepted', 'dispatched', 'unit_accepted', 'on_scene'],
    to: (i) => (i.status === 'accepted' ? 'dispatched' : i.status),
    by: ['centre', 'system'],
  },
  unit_accept: {
    from: ['dispatched', 'unit_accepted', 'on_scene'],
    to: (i) => (i.status === 'dispatched' ? 'unit_accepted' : i.status),
    by: ['unit'],
  },
  unit_decline: {
    from: ['dispatched'],
    to: (i, a) => (i.units.some((u) => u !== a.unitId) ? 'dispatched' : 'accepted'),
    by: ['unit'],
  },
  arrive: { from: ['unit_accepted', 'on_scene'], to: 'on_scene', by: ['unit'] },
  resolve: { from: ['on_scene'], to: 'resolved', by: ['unit', 'centre'] },
  verify: { from: ['resolved'], to: 'verified', by: ['grid_worker', 'centre'] },
  reject: { from: ['resolved'], to: 'accepted', by: ['grid_worker', 'centre'] },
  rate: { from: ['verified'], to: 'rated', by: ['citizen'] },
  close: { from: ['verified', 'rated'], to: 'closed', by: ['centre', 'system'] },
  escalate: { from: [...OPEN_STATUSES], to: (i) => i.status, by: ['centre', 'system'] },
  merge: { from: UNRESOLVED, to: 'merged', by: ['centre'] },
  cancel: { from: UNRESOLVED, to: 'cancelled', by: ['centre'] },
};

/** What the machine needs to know of an incident. */
export interface IncidentState {
  status: IncidentStatus;
  /** The units assigned and not declined. */
  units: readonly string[];
  /** The region level it is handled at (0 = where it happened; each escalation adds one). */
  escalations: number;
  /** The highest level there is above where it happened (a grid's incident can go up to the city). */
  maxEscalations: number;
}

export interface ActionInput {
  action: IncidentAction;
  actor: IncidentActor;
  /** The person or unit acting (user id, unit id, tracking code, 'hub'). */
  actorId: string;
  at: string;
  note?: string;
  /** dispatch: the units to add; unit_*: the unit acting. */
  unitIds?: readonly string[];
  unitId?: string;
  /** rate: 1-5. */
  rating?: number;
  /** merge: the incident it goes into. */
  intoId?: string;
}

/** One line of the incident's timeline. */
export interface TransitionRecord {
  action: IncidentAction;
  from: IncidentStatus;
  to: IncidentStatus;
  actor: IncidentActor;
  actorId: string;
  at: string;
  note: string | null;
}

export type TransitionResult =
  { ok: true; next: IncidentState; record: TransitionRecord } | { ok: false; reason: string };

const refuse = (reason: string): TransitionResult => ({ ok: false, reason });

/** Apply one action; refused (with why) when the status, the actor or the action's details do not allow it. */
export function transition(state: IncidentState, input: ActionInput): TransitionResult {
  const rule = RULES[input.action];
  if (!rule.by.includes(input.actor))
    return refuse(`${input.action}: not for the ${input.actor} (only ${rule.by.join(', ')})`);
  if (!rule.from.includes(state.status)) {
    return refuse(
      `${input.action}: not possible while the incident is ${state.status} (only when ${rule.from.join(', ')})`,
    );
  }
  let units = state.units;
  let escalations = state.escalations;
  switch (input.action) {
    case 'dispatch': {
      const add = input.unitIds ?? [];
      if (add.length === 0) return refuse('dispatch: name at least one unit');
      const already = add.filter((u) => units.includes(u));
      if (already.length) return refuse(`dispatch: ${already.join(', ')} already assigned`);
      units = [...units, ...add];
      break;
    }
    case 'unit_accept':
    case 'unit_decline':
    case 'arrive':
      if (!input.unitId || !units.includes(input.unitId))
        return refuse(`${input.action}: unit ${input.unitId ?? '(none)'} is not assigned to this incident`);
      if (input.action === 'unit_decline') units = units.filter((u) => u !== input.unitId);
      break;
    case 'rate':
      if (!Number.isInteger(input.rating) || input.rating! < 1 || input.rating! > 5)
        return refuse('rate: the rating must be a whole number from 1 to 5');
      break;
    case 'escalate':
      if (escalations >= state.maxEscalations) return refuse('escalate: already handled at the top level (the city)');
      escalations++;
      break;
    case 'merge':
      if (!input.intoId) return refuse('merge: name the incident to merge into');
      break;
    case 'reject':
    case 'cancel':
      if (!input.note?.trim()) return refuse(`${input.action}: say why in a note`);
      break;
    case 'accept':
    case 'resolve':
    case 'verify':
    case 'close':
      break; // nothing beyond the status and the actor
  }
  const to = typeof rule.to === 'function' ? rule.to(state, input) : rule.to;
  return {
    ok: true,
    next: { ...state, status: to, units, escalations },
    record: {
      action: input.action,
      from: state.status,
      to,
      actor: input.actor,
      actorId: input.actorId,
      at: input.at,
      note: input.note?.trim() || null,
    },
  };
}

/** The actions an actor may try on an incident now (what a screen offers). */
export function allowedActions(state: IncidentState, actor: IncidentActor): IncidentAction[] {
  return INCIDENT_ACTIONS.filter(
    (a) =>
      RULES[a].by.includes(actor) &&
      RULES[a].from.includes(state.status) &&
      (a !== 'escalate' || state.escalations < state.maxEscalations),
  );
}
