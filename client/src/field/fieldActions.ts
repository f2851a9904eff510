/**
 * The actions a field unit's phone offers, as the hub allows them (FieldHome's `actions`): in
 * the order a unit works through them, with the ones that need a note and how each looks. Pure.
 */
import { unitAssignment } from '@shared/incident-facts';
import type { IncidentAction } from '@shared/incident-machine';
import type { AssignmentView, IncidentView } from '@shared/incidents';

/** Unit: accept, decline, arrive, resolve. A grid worker also verifies or rejects the work. */
export const FIELD_ACTIONS = [
  'unit_accept',
  'arrive',
  'resolve',
  'verify',
  'unit_decline',
  'reject',
] as const satisfies readonly IncidentAction[];
export type FieldAction = (typeof FIELD_ACTIONS)[number];

/**
 * The field actions among those allowed, in working order (others, e.g. escalate, are the
 * centre's). The machine allows unit_accept and arrive while the incident is unit_accepted or
 * on_scene (for the other units on it), so this unit's own assignment narrows them: no second
 * accept, no decline once accepted, no second arrival. `mine` null: not assigned (verifying).
 */
export function fieldActions(
  allowed: readonly IncidentAction[],
  mine: AssignmentView['status'] | null = null,
): FieldAction[] {
  return FIELD_ACTIONS.filter((a) => {
    if (!allowed.includes(a)) return false;
    switch (a) {
      case 'unit_accept':
      case 'unit_decline':
        return mine === null || mine === 'assigned';
      case 'arrive':
        return mine !== 'arrived' && mine !== 'declined' && mine !== 'assigned';
      case 'resolve':
      case 'verify':
      case 'reject':
        return true;
    }
  });
}

/**
 * required: the page asks for a reason before sending (the machine needs one for reject; the
 * dispatcher needs one to re-dispatch after a decline). optional: a note is offered. none: one tap.
 */
export function noteNeed(a: FieldAction): 'required' | 'optional' | 'none' {
  switch (a) {
    case 'unit_decline':
    case 'reject':
      return 'required';
    case 'resolve':
      return 'optional';
    case 'unit_accept':
    case 'arrive':
    case 'verify':
      return 'none';
  }
}

/** Naive UI button type: going forward is primary/success, saying no is an error colour. */
export function actionTone(a: FieldAction): 'primary' | 'success' | 'error' {
  switch (a) {
    case 'unit_accept':
    case 'arrive':
      return 'primary';
    case 'resolve':
    case 'verify':
      return 'success';
    case 'unit_decline':
    case 'reject':
      return 'error';
  }
}

/**
 * This unit's own assignment on an incident, the current one (sent again after declining: the new
 * row, as the hub reads it); null: it is here to verify, not assigned.
 */
export function myAssignment(incident: IncidentView, unitId: string): AssignmentView | null {
  return unitAssignment(incident.assignments, unitId);
}

/** The deadline the unit works against now: the earliest running clock's due time (ISO), or null. */
export function runningDue(incident: IncidentView): string | null {
  let due: string | null = null;
  for (const c of incident.sla) {
    if (
      (c.state === 'running' || c.state === 'breached') &&
      c.dueAt &&
      (due === null || Date.parse(c.dueAt) < Date.parse(due))
    )
      due = c.dueAt;
  }
  return due;
}

/** Assignments in the order a unit should look at them: most urgent priority first, then oldest. */
export function byUrgency<T extends { incident: IncidentView }>(list: readonly T[]): T[] {
  return [...list].sort(
    (a, b) =>
      a.incident.priority - b.incident.priority || Date.parse(a.incident.createdAt) - Date.parse(b.incident.createdAt),
  );
}
