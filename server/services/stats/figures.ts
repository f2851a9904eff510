/**
 * From summed rollup counters to the figures on the wire (issue 16), pure: counts, rates and mean
 * times, each defined once (shared/stats.ts says what each means).
 */
import { ROLLUP_COUNTERS } from '@server/repositories/stats.repository';
import type { AlarmFigures, Figures, RateMeasure, TimeMeasure, CountMeasure } from '@shared/stats';

/** The incident rollup's counters, summed over whatever rows a figure covers. */
export interface Counters {
  reported: number;
  cancelled: number;
  escalated: number;
  supervised: number;
  resolved: number;
  closed: number;
  disputes: number;
  disputesClosed: number;
  disputesAgreed: number;
  rated: number;
  ratedGood: number;
  verified: number;
  rejections: number;
  onTime: number;
  late: number;
  acceptN: number;
  acceptSum: number;
  queueN: number;
  queueSum: number;
  unitAcceptN: number;
  unitAcceptSum: number;
  travelN: number;
  travelSum: number;
  responseN: number;
  responseSum: number;
  resolveN: number;
  resolveSum: number;
}

/** Column of each counter in incident_rollup (the repository sums these). */
export const COUNTER_COLUMNS = Object.fromEntries(
  ROLLUP_COUNTERS.map((c) => [c.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase()), c]),
) as Readonly<Record<keyof Counters, (typeof ROLLUP_COUNTERS)[number]>>;

export const zeroCounters = (): Counters =>
  Object.fromEntries(Object.keys(COUNTER_COLUMNS).map((k) => [k, 0])) as unknown as Counters;

export function addCounters(a: Counters, b: Counters): Counters {
  const out = { ...a };
  for (const k of Object.keys(COUNTER_COLUMNS) as (keyof Counters)[]) out[k] += b[k];
  return out;
}

/** Per cent with one decimal; null when there is nothing to divide by. */
export function pct(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : null;
}

const mean = (sum: number, n: number): number | null => (n > 0 ? Math.round((sum / n) * 10) / 10 : null);

/**
 * The figures of summed counters. `overdueOpen`: incidents not resolved whose resolve deadline fell
 * in the window and has passed (read live: they are due and not on time).
 */
export function figuresOf(c: Counters, overdueOpen: number): Figures {
  const counts: Record<CountMeasure, number> = {
    reported: c.reported,
    cancelled: c.cancelled,
    escalated: c.escalated,
    supervised: c.supervised,
    resolved: c.resolved,
    closed: c.closed,
    disputes: c.disputes,
    rated: c.rated,
  };
  const rates: Record<RateMeasure, number | null> = {
    onTime: pct(c.onTime, c.onTime + c.late + overdueOpen),
    closure: pct(c.closed, c.reported - c.cancelled),
    resolution: pct(c.disputesAgreed, c.disputesClosed),
    satisfaction: pct(c.ratedGood, c.rated),
    verification: pct(c.verified, c.verified + c.rejections),
  };
  const means: Record<TimeMeasure, number | null> = {
    accept: mean(c.acceptSum, c.acceptN),
    queue: mean(c.queueSum, c.queueN),
    unitAccept: mean(c.unitAcceptSum, c.unitAcceptN),
    travel: mean(c.travelSum, c.travelN),
    response: mean(c.responseSum, c.responseN),
    resolve: mean(c.resolveSum, c.resolveN),
  };
  return { counts, rates, means };
}

export interface AlarmCounters {
  priority: number;
  source: string;
  raised: number;
  events: number;
  falseAlarms: number;
  expired: number;
  incidents: number;
  acknowledged: number;
}

/** The alarm figures of rows by priority and source. */
export function alarmFiguresOf(rows: readonly AlarmCounters[]): AlarmFigures {
  const f: AlarmFigures = {
    raised: 0,
    events: 0,
    falseAlarms: 0,
    expired: 0,
    incidents: 0,
    handled: 0,
    falseRate: null,
    byPriority: {},
    bySource: {},
  };
  for (const r of rows) {
    f.raised += r.raised;
    f.events += r.events;
    f.falseAlarms += r.falseAlarms;
    f.expired += r.expired;
    f.incidents += r.incidents;
    f.handled += r.falseAlarms + r.incidents + r.acknowledged;
    f.byPriority[String(r.priority)] = (f.byPriority[String(r.priority)] ?? 0) + r.raised;
    f.bySource[r.source] = (f.bySource[r.source] ?? 0) + r.raised;
  }
  f.falseRate = pct(f.falseAlarms, f.handled);
  return f;
}
