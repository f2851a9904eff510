/**
 * SLA clocks (issue 6), pure: how long each stage of an incident may take, per priority with
 * overrides per category (configurable: the hub keeps the policy in its database), and from an
 * incident's stage times which clocks run, which were met and which are late. The hub computes
 * the next deadline (`nextDue`) and stores it with the incident, so a sweep after a restart finds
 * every breach that happened while it was down.
 *
 *   dispatch: reported → first dispatched           accept: dispatched → a unit accepted (per dispatch)
 *   arrive:   a unit accepted → on scene            resolve: reported → resolved
 */
import { z } from 'zod';
import { RISK_CATEGORIES } from './ingest';

export const SLA_STAGES = ['dispatch', 'accept', 'arrive', 'resolve'] as const;
export type SlaStage = (typeof SLA_STAGES)[number];

const minutes = z
  .number({ error: 'must be a number of minutes' })
  .int('must be a whole number of minutes')
  .min(1, 'must be at least 1 minute')
  .max(60 * 24 * 90, 'must be at most 90 days');
export const slaMinutes = z.strictObject({ dispatch: minutes, accept: minutes, arrive: minutes, resolve: minutes });
export type SlaMinutes = z.infer<typeof slaMinutes>;

export const slaPolicy = z.strictObject({
  /** Priority 1 (most urgent) to 4. */
  byPriority: z.strictObject({ '1': slaMinutes, '2': slaMinutes, '3': slaMinutes, '4': slaMinutes }),
  /** Per category, stages that differ from the priority's (e.g. disputes take days to resolve). */
  byCategory: z.partialRecord(
    z.enum(RISK_CATEGORIES, { error: 'must be one of the 29 categories' }),
    slaMinutes.partial(),
  ),
});
export type SlaPolicy = z.infer<typeof slaPolicy>;

const DISPUTE_RESOLVE = 7 * 24 * 60;
const CITY_RESOLVE = 3 * 24 * 60;

/** The demo city's policy (the hub seeds it once; admins change it with PUT /api/v1/sla). */
export const DEFAULT_SLA: SlaPolicy = {
  byPriority: {
    '1': { dispatch: 3, accept: 2, arrive: 10, resolve: 120 },
    '2': { dispatch: 5, accept: 5, arrive: 20, resolve: 8 * 60 },
    '3': { dispatch: 15, accept: 10, arrive: 60, resolve: 24 * 60 },
    '4': { dispatch: 30, accept: 30, arrive: 240, resolve: 72 * 60 },
  },
  byCategory: {
    dispute_neighbour: { resolve: DISPUTE_RESOLVE },
    dispute_family: { resolve: DISPUTE_RESOLVE },
    dispute_property: { resolve: DISPUTE_RESOLVE },
    dispute_labour: { resolve: DISPUTE_RESOLVE },
    dispute_land: { resolve: 30 * 24 * 60 },
    dispute_traffic: { resolve: DISPUTE_RESOLVE },
    dispute_consumer: { resolve: DISPUTE_RESOLVE },
    petition: { resolve: 15 * 24 * 60 },
    illegal_building: { resolve: CITY_RESOLVE },
    road_facility: { resolve: CITY_RESOLVE },
    sanitation: { resolve: CITY_RESOLVE },
  },
};

/** The minutes each stage may take for an incident of this category and priority. */
export function stageMinutes(policy: SlaPolicy, category: string, priority: number): SlaMinutes {
  const p = String(Math.min(4, Math.max(1, Math.round(priority)))) as '1' | '2' | '3' | '4';
  return { ...policy.byPriority[p], ...(policy.byCategory[category as keyof SlaPolicy['byCategory']] ?? {}) };
}

/** When each stage started and ended (ms since the epoch; null: not yet). */
export interface StageTimes {
  createdAt: number;
  /** The last time it went to `dispatched` (a re-dispatch after a decline restarts the accept clock). */
  dispatchedAt: number | null;
  firstDispatchedAt: number | null;
  unitAcceptedAt: number | null;
  arrivedAt: number | null;
  resolvedAt: number | null;
}

export type ClockState = 'pending' | 'running' | 'met' | 'late' | 'breached';

export interface SlaClock {
  stage: SlaStage;
  state: ClockState;
  startedAt: number | null;
  dueAt: number | null;
  endedAt: number | null;
}

function span(t: StageTimes, stage: SlaStage): [number | null, number | null] {
  switch (stage) {
    case 'dispatch':
      return [t.createdAt, t.firstDispatchedAt];
    case 'accept':
      return [t.dispatchedAt, t.unitAcceptedAt];
    case 'arrive':
      return [t.unitAcceptedAt, t.arrivedAt];
    case 'resolve':
      return [t.createdAt, t.resolvedAt];
  }
}

/**
 * The four clocks at `now`: pending (its stage has not started), running (on time), breached
 * (running past its deadline), met (ended on time), late (ended past its deadline). `stopped`:
 * the incident is closed, merged or cancelled, so nothing runs any more.
 */
export function slaClocks(t: StageTimes, m: SlaMinutes, now: number, stopped = false): SlaClock[] {
  return SLA_STAGES.map((stage) => {
    const [start, end] = span(t, stage);
    if (start === null) return { stage, state: 'pending', startedAt: null, dueAt: null, endedAt: null };
    const dueAt = start + m[stage] * 60_000;
    if (end !== null) return { stage, state: end <= dueAt ? 'met' : 'late', startedAt: start, dueAt, endedAt: end };
    if (stopped) return { stage, state: 'pending', startedAt: start, dueAt: null, endedAt: null };
    return { stage, state: now > dueAt ? 'breached' : 'running', startedAt: start, dueAt, endedAt: null };
  });
}

/** The earliest deadline of a running clock whose breach has not been handled yet (null: none). */
export function nextDue(t: StageTimes, m: SlaMinutes, handled: readonly SlaStage[], stopped = false): number | null {
  let due: number | null = null;
  for (const c of slaClocks(t, m, 0, stopped)) {
    if (c.state !== 'running' || c.dueAt === null || handled.includes(c.stage)) continue;
    if (due === null || c.dueAt < due) due = c.dueAt;
  }
  return due;
}

/** The running clocks past their deadline at `now` whose breach has not been handled yet. */
export function dueBreaches(
  t: StageTimes,
  m: SlaMinutes,
  handled: readonly SlaStage[],
  now: number,
  stopped = false,
): SlaStage[] {
  return slaClocks(t, m, now, stopped)
    .filter((c) => c.state === 'breached' && !handled.includes(c.stage))
    .map((c) => c.stage);
}
