/**
 * What a screen holds of the open incidents in its scope, merged by rev (pure; the incident store
 * and its tests share it). As with alarms, every change of an incident carries a higher `rev`, and
 * a copy replaces the held one only when its rev is higher, so a live batch and a catch-up reply
 * that cross in flight never step an incident back.
 *
 * Unlike the alarm store, the screen holds only *open* incidents: one that is closed, merged or
 * cancelled leaves the set. So that a late copy of its open past cannot bring it back, the rev it
 * left at is kept (`gone`), and everything at or below the rev of the last catch-up reply (`floor`)
 * is known to be reflected already: a copy that old of an id the screen does not hold is stale.
 */
import { OPEN_STATUSES } from '../../../shared/incident-machine';
import type { IncidentSyncReply, IncidentView } from '../../../shared/incidents';

export interface HeldIncidents {
  /** The open incidents, by id. */
  open: ReadonlyMap<string, IncidentView>;
  /** Incidents that left the open set since the last snapshot: id → the rev they left at. */
  gone: ReadonlyMap<string, number>;
  /** Every change up to this rev is reflected (the last catch-up reply's rev; 0: none yet). */
  floor: number;
}

export const EMPTY_HELD: HeldIncidents = { open: new Map(), gone: new Map(), floor: 0 };

export const isOpenIncident = (i: Pick<IncidentView, 'status'>): boolean => OPEN_STATUSES.has(i.status);

/** The rev the screen knows an id at (held or gone), or null when it knows nothing of it. */
export function knownRev(held: HeldIncidents, id: string): number | null {
  return held.open.get(id)?.rev ?? held.gone.get(id) ?? null;
}

/**
 * Merges incoming copies into `held`; returns the new state (`changed` false: nothing in it was
 * newer, and `next` is `held` itself), the incidents first seen (newest copy) and those that left.
 */
export function mergeIncidents(
  held: HeldIncidents,
  incoming: readonly IncidentView[],
): { next: HeldIncidents; changed: boolean; added: IncidentView[]; removed: string[] } {
  let open: Map<string, IncidentView> | null = null;
  let gone: Map<string, number> | null = null;
  const touched = new Set<string>();
  for (const inc of incoming) {
    const known = (open ?? held.open).get(inc.id)?.rev ?? (gone ?? held.gone).get(inc.id) ?? null;
    if (known !== null ? known >= inc.rev : inc.rev <= held.floor) continue;
    open ??= new Map(held.open);
    gone ??= new Map(held.gone);
    touched.add(inc.id);
    if (isOpenIncident(inc)) {
      open.set(inc.id, inc);
      gone.delete(inc.id);
    } else {
      open.delete(inc.id);
      gone.set(inc.id, inc.rev);
    }
  }
  if (!open || !gone) return { next: held, changed: false, added: [], removed: [] };
  const next: HeldIncidents = { open, gone, floor: held.floor };
  // Judged on the outcome, so an id twice in one batch is reported once, with its latest copy.
  const added: IncidentView[] = [];
  const removed: string[] = [];
  for (const id of touched) {
    const now = open.get(id);
    if (now && !held.open.has(id) && !held.gone.has(id)) added.push(now);
    if (!now && held.open.has(id)) removed.push(id);
  }
  return { next, changed: true, added, removed };
}

/**
 * The answer to incident:sync. A delta merges. A snapshot replaces what the screen holds: it is
 * the open set as of `reply.rev`; copies that arrived live while it was asked (`live`) and are
 * newer than it stay (a snapshot read before they were committed must not wipe them).
 */
export function applySyncReply(held: HeldIncidents, reply: IncidentSyncReply, live: readonly IncidentView[]): HeldIncidents {
  if (reply.mode === 'delta') {
    const { next } = mergeIncidents(held, reply.incidents);
    const floor = Math.max(next.floor, reply.rev);
    // A tombstone at or below the floor says nothing the floor does not: drop it (bounded memory).
    const gone = new Map([...next.gone].filter(([, rev]) => rev > floor));
    return { open: next.open, gone, floor };
  }
  const fresh: HeldIncidents = { open: new Map(), gone: new Map(), floor: 0 };
  const fromSnapshot = mergeIncidents(fresh, reply.incidents).next;
  // Raise the floor before the live copies: those at or below the snapshot's rev are in it already.
  return mergeIncidents({ ...fromSnapshot, floor: reply.rev }, live).next;
}
