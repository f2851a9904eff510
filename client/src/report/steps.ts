/**
 * What a citizen reads of their report's progress: each step of the incident's timeline as a
 * sentence key, and the status as a phase in plain words. Pure (keys only; the page translates).
 */
import { INCIDENT_ACTIONS, INCIDENT_STATUSES, type IncidentStatus } from '@shared/incident-machine';
import type { CitizenStatus } from '@shared/incidents';

export type CitizenStep = CitizenStatus['steps'][number];

/** A phase of a report as a citizen understands it. */
export type ReportPhase =
  'received' | 'accepted' | 'handling' | 'resolved' | 'verified' | 'closed' | 'merged' | 'cancelled';

export function phaseOf(status: IncidentStatus): ReportPhase {
  switch (status) {
    case 'reported':
      return 'received';
    case 'accepted':
      return 'accepted';
    case 'dispatched':
    case 'unit_accepted':
    case 'on_scene':
      return 'handling';
    case 'resolved':
      return 'resolved';
    case 'verified':
    case 'rated':
      return 'verified';
    case 'closed':
      return 'closed';
    case 'merged':
      return 'merged';
    case 'cancelled':
      return 'cancelled';
  }
}

/** Phases that end the report (no more steps to wait for). */
export function isFinalPhase(p: ReportPhase): boolean {
  return p === 'closed' || p === 'cancelled';
}

/**
 * The i18n key (under field.track) of one step: the action's own sentence when it is one of the
 * machine's actions, else the status it led to, else a neutral one ('created', 'report' and any
 * action the hub adds later still read sensibly).
 */
export function stepKey(step: CitizenStep): string {
  if ((INCIDENT_ACTIONS as readonly string[]).includes(step.action)) return `action.${step.action}`;
  if (step.action === 'create' || step.action === 'created' || step.action === 'report' || step.action === 'reported')
    return 'action.created';
  if (step.to && (INCIDENT_STATUSES as readonly string[]).includes(step.to))
    return `phase.${phaseOf(step.to as IncidentStatus)}`;
  return 'action.other';
}

/** Steps newest first, as a timeline reads on a phone; steps of the same instant (rated, then closed at once) keep their order, reversed. */
export function newestFirst(steps: readonly CitizenStep[]): CitizenStep[] {
  return steps
    .map((s, i) => ({ s, i, t: Date.parse(s.at) }))
    .sort((a, b) => b.t - a.t || b.i - a.i)
    .map((x) => x.s);
}
