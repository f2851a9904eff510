/**
 * The demo's simulated staff (issue 15), as pure decisions: which alarms and incidents they work,
 * what each one's next step is and who takes it, how long a person takes for it, when a unit on
 * its way has arrived. The runner (staff-runner.ts) does the steps through the public API.
 *
 * Decisions about one alarm or incident are stable draws from its id (`draw`): the same on every
 * tick and after a restart, so a neglected incident stays neglected and an alarm left to expire is
 * not picked up later. No I/O, no clock.
 */
import { Rng } from '@server/demo/random';
import type { LonLat } from '@shared/world';
import { planarDistanceM } from '@server/demo/geo';

export type Priority = 1 | 2 | 3 | 4;

/**
 * Share of incidents the staff work, by priority; the rest are left unhandled, so some SLA clocks
 * breach as on a real shift (issue 15's target: under 10 % of incidents past a deadline, late
 * arrivals of far units included).
 */
export const WORK_SHARE: Readonly<Record<Priority, number>> = { 1: 0.98, 2: 0.96, 3: 0.94, 4: 0.9 };
/** Share of dispatches a unit declines (busy with something the centre does not see); the centre sends the next. */
export const DECLINE_SHARE = 0.05;

/** A uniform draw in [0, 1) that depends only on the seed, the kind of decision and the object's id. */
export function draw(seed: number, what: string, id: string): number {
  return new Rng(`staff:${seed}:${what}:${id}`).next();
}

const clampPriority = (p: number): Priority => Math.min(4, Math.max(1, Math.round(p))) as Priority;

/** Whether the staff work this incident at all. */
export function worksOn(seed: number, incident: { id: string; priority: number }, share = WORK_SHARE): boolean {
  return draw(seed, 'work', incident.id) < share[clampPriority(incident.priority)];
}

/** Whether this unit declines this incident (decided once per unit and incident). */
export function declines(seed: number, incidentId: string, unitId: string, share = DECLINE_SHARE): boolean {
  return draw(seed, 'decline', `${incidentId}/${unitId}`) < share;
}

export type AlarmMove = 'incident' | 'acknowledge' | 'false_alarm' | 'leave';

/**
 * What a dispatcher does with an unhandled alarm. One that has its incident already (priority 1,
 * made at once; an SLA breach reporting on its incident) is handed to that incident (`from-alarm`
 * opens it and the alarm leaves the queue): the work is the incident's. Any other: makes an incident of it (more often when its rule
 * asks for units; seldom when it sends the grid's grid workers, who go and see anyway: a living-alone
 * resident not seen for two days), acknowledges it (seen; the camera or the grid worker covers it),
 * marks it false, or leaves it to expire (only an alarm that expires: the others would wait in the
 * queue for ever).
 */
export function alarmMove(
  seed: number,
  alarm: {
    id: string;
    priority: number;
    actions: readonly string[];
    expiresAt: string | null;
    incidentId?: string | null;
  },
): AlarmMove {
  if (alarm.incidentId) return 'incident';
  const p = clampPriority(alarm.priority);
  const units = alarm.actions.includes('units');
  const gridWorker = alarm.actions.includes('grid_worker');
  // [incident, false alarm, left to expire]; acknowledged otherwise.
  const shares: Record<Priority, [number, number, number]> = {
    1: [0.9, 0, 0],
    2: [units ? 0.6 : gridWorker ? 0.05 : 0.3, 0.05, 0.08],
    3: [units ? 0.3 : gridWorker ? 0.02 : 0.1, 0.1, 0.25],
    4: [0.05, 0.1, 0.35],
  };
  const [incident, falseAlarm, leave] = shares[p];
  const x = draw(seed, 'alarm', alarm.id);
  if (x < incident) return 'incident';
  if (x < incident + falseAlarm) return 'false_alarm';
  if (alarm.expiresAt && x < incident + falseAlarm + leave) return 'leave';
  return 'acknowledge';
}

/** What the staff know of an incident (its view on the wire). */
export interface PlanIncident {
  id: string;
  status: string;
  priority: number;
  assignments: readonly { unitId: string; status: string }[];
}

export type StepKind =
  'accept' | 'dispatch' | 'answer' | 'arrive' | 'resolve' | 'verify' | 'rate' | 'close' | 'alarm' | 'report';

export interface Step {
  kind: StepKind;
  /** The unit that takes it (answer: accept or decline, arrive, resolve). */
  unitId?: string;
}

/** The steps open on an incident now, each by whom it is due: the centre, a unit, the grid worker, the citizen. */
export function stepsFor(i: PlanIncident, citizenRates: boolean): Step[] {
  switch (i.status) {
    case 'reported':
      return [{ kind: 'accept' }];
    case 'accepted':
      return [{ kind: 'dispatch' }];
    case 'dispatched':
    case 'unit_accepted':
    case 'on_scene': {
      const out: Step[] = [];
      for (const a of i.assignments) {
        if (a.status === 'assigned') out.push({ kind: 'answer', unitId: a.unitId });
        else if (a.status === 'accepted') out.push({ kind: 'arrive', unitId: a.unitId });
      }
      // The first unit on scene finishes the work (the others are released with it).
      const there = i.assignments.find((a) => a.status === 'arrived');
      if (i.status === 'on_scene' && there) out.push({ kind: 'resolve', unitId: there.unitId });
      return out;
    }
    case 'resolved':
      return [{ kind: 'verify' }];
    case 'verified':
      return [{ kind: citizenRates ? 'rate' : 'close' }];
    default:
      return [];
  }
}

/**
 * How long a person takes for a step, seconds, by priority 1-4: noticing and opening an alarm,
 * accepting an incident, choosing units, a unit answering its phone, the work on scene, the grid
 * worker's check, the citizen's rating, the centre closing. Within the default SLA clocks for
 * the centre and the units' answer (dispatch 3/5/15/30 min, accept 2/5/10/30 min); the work on
 * scene well within the time to resolve.
 */
const SECONDS: Readonly<Record<Exclude<StepKind, 'arrive'>, readonly [number, number][]>> = {
  alarm: [
    [10, 30],
    [30, 120],
    [60, 300],
    [120, 600],
  ],
  accept: [
    [15, 45],
    [30, 90],
    [60, 240],
    [120, 480],
  ],
  dispatch: [
    [20, 60],
    [30, 120],
    [60, 300],
    [120, 600],
  ],
  answer: [
    [15, 60],
    [20, 90],
    [30, 180],
    [60, 300],
  ],
  resolve: [
    [600, 1800],
    [900, 2400],
    [1200, 3600],
    [1200, 5400],
  ],
  verify: [[300, 1200]],
  rate: [[300, 1800]],
  close: [[60, 300]],
  report: [[0, 0]],
};

/** The delay before a step, ms: a draw from its range for the priority, times `pace` (1: a person's pace). */
export function stepDelayMs(kind: Exclude<StepKind, 'arrive'>, priority: number, rng: Rng, pace: number): number {
  const ranges = SECONDS[kind];
  const [lo, hi] = ranges[Math.min(ranges.length, clampPriority(priority)) - 1]!;
  return Math.round(rng.float(lo, hi) * 1000 * pace);
}

/** Metres from the scene within which a unit has arrived (the unit motion stops on the point itself). */
export const ARRIVED_M = 30;

/**
 * Whether a unit on its way is there: near the scene; or, when nothing moved it there (no unit
 * motion runs, or no road leads there), well past its ETA (three times it and five minutes more,
 * at `pace`), as a crew would walk the last stretch.
 */
export function arrived(
  position: LonLat | undefined,
  scene: LonLat,
  sinceMs: number,
  nowMs: number,
  etaMin: number,
  pace: number,
): boolean {
  if (position && planarDistanceM(position, scene) <= ARRIVED_M) return true;
  return nowMs - sinceMs >= (etaMin * 3 * 60 + 300) * 1000 * pace;
}

/** How many of the proposed units to send: two for priority 1 when there are two, else one. */
export function unitsToSend(priority: number, proposed: readonly string[], unmanned: ReadonlySet<string>): string[] {
  const usable = proposed.filter((u) => !unmanned.has(u));
  return usable.slice(0, clampPriority(priority) === 1 ? 2 : 1);
}

/** A citizen's rating of the result (群众评单): mostly satisfied, some not. */
export function ratingOf(seed: number, incidentId: string): number {
  const x = draw(seed, 'rating', incidentId);
  return x < 0.55 ? 5 : x < 0.85 ? 4 : x < 0.95 ? 3 : x < 0.98 ? 2 : 1;
}

/** What citizens report by QR code in the demo (their own words; categories of the 29). */
export const CITIZEN_REPORTS: readonly { category: string; description: string }[] = [
  { category: 'noise', description: '楼下商铺夜间噪音扰民，影响休息' },
  { category: 'sanitation', description: '小区门口垃圾堆放多日无人清运' },
  { category: 'illegal_parking', description: '车辆长期占用消防通道' },
  { category: 'road_facility', description: '人行道井盖破损，存在安全隐患' },
  { category: 'street_vending', description: '路口流动摊贩占道经营，影响通行' },
  { category: 'dispute_neighbour', description: '邻居装修漏水，协商未果' },
  { category: 'ebike_violation', description: '楼道内有人飞线给电动车充电' },
];
