/**
 * The analysis page's KPI tiles as data: which figures of a `kpiReply` are shown, how each compares
 * with the previous period (the trend arrow and whether the change is good news), and how minutes
 * read. Pure: no Vue, unit-tested (tests/unit/analysis-figures.test.ts). Every value comes from the
 * hub's reply; nothing here computes a figure of its own beyond the change against the period before.
 */
import type { KpiReply, RateMeasure, TimeMeasure } from '@shared/stats';

/** Which way a figure should go: up (a closure rate), down (a response time), or either (a count). */
export type Polarity = 'higher' | 'lower' | 'neutral';
export type TrendDirection = 'up' | 'down' | 'flat' | 'none';
export type TrendTone = 'good' | 'bad' | 'neutral';
export type FigureUnit = 'count' | 'percent' | 'minutes';

export interface Trend {
  direction: TrendDirection;
  tone: TrendTone;
  /**
   * The change against the period before: per cent of the old value for counts and minutes,
   * percentage points for rates; null when there is nothing to compare (no figure, or a count from 0).
   */
  change: number | null;
}

/** A change smaller than this (per cent, or points for rates) is shown flat. */
export const FLAT_BELOW = 0.5;

/** now against before: the arrow, its tone and the size of the change. */
export function trend(now: number | null, before: number | null, unit: FigureUnit, polarity: Polarity): Trend {
  if (now === null || before === null || !Number.isFinite(now) || !Number.isFinite(before))
    return { direction: 'none', tone: 'neutral', change: null };
  let change: number | null;
  if (unit === 'percent') change = now - before;
  else if (before === 0) change = now === 0 ? 0 : null;
  else change = ((now - before) / before) * 100;
  const direction: TrendDirection =
    change === null
      ? now > before
        ? 'up'
        : 'down'
      : Math.abs(change) < FLAT_BELOW
        ? 'flat'
        : change > 0
          ? 'up'
          : 'down';
  let tone: TrendTone = 'neutral';
  if (polarity !== 'neutral' && (direction === 'up' || direction === 'down'))
    tone = (direction === 'up') === (polarity === 'higher') ? 'good' : 'bad';
  return { direction, tone, change };
}

export interface KpiTile {
  /** Stable key: the test id and the i18n key (`analysis.kpi.<key>`). */
  key: string;
  group: 'count' | 'rate' | 'time';
  unit: FigureUnit;
  value: number | null;
  /** The p90 beside a time's p50. */
  p90?: number | null;
  /** How many incidents the time figures were taken over. */
  n?: number;
  before: number | null;
  /** Not windowed (open incidents now): no period to compare with. */
  trend: Trend | null;
}

const COUNT_TILES = [
  ['reported', 'neutral'],
  ['closed', 'neutral'],
  ['escalated', 'lower'],
  ['supervised', 'lower'],
  ['cancelled', 'neutral'],
] as const;

const RATE_TILES: readonly RateMeasure[] = ['onTime', 'closure', 'resolution', 'satisfaction', 'verification'];
const TIME_TILES: readonly TimeMeasure[] = ['accept', 'queue', 'unitAccept', 'travel', 'response', 'resolve'];

function tile(
  key: string,
  group: KpiTile['group'],
  unit: FigureUnit,
  value: number | null,
  before: number | null,
  polarity: Polarity,
): KpiTile {
  return { key, group, unit, value, before, trend: trend(value, before, unit, polarity) };
}

/** The tiles, in the order the page shows them: counts (with the alarms), rates, times. */
export function kpiTiles(r: KpiReply): KpiTile[] {
  const counts: KpiTile[] = [
    { key: 'open', group: 'count', unit: 'count', value: r.open, before: null, trend: null },
    ...COUNT_TILES.map(([m, p]) => tile(m, 'count', 'count', r.now.counts[m] ?? null, r.before.counts[m] ?? null, p)),
    tile('alarms', 'count', 'count', r.alarms.now.raised, r.alarms.before.raised, 'neutral'),
    tile('falseRate', 'count', 'percent', r.alarms.now.falseRate, r.alarms.before.falseRate, 'lower'),
  ];
  const rates = RATE_TILES.map((m) =>
    tile(m, 'rate', 'percent', r.now.rates[m] ?? null, r.before.rates[m] ?? null, 'higher'),
  );
  const times = TIME_TILES.map((m): KpiTile => {
    const now = r.now.times[m];
    const before = r.before.times[m];
    return {
      ...tile(m, 'time', 'minutes', now?.p50 ?? null, before?.p50 ?? null, 'lower'),
      p90: now?.p90 ?? null,
      n: now?.n ?? 0,
    };
  });
  return [...counts, ...rates, ...times];
}

/** Minutes as the largest unit that keeps the number short: 45 → 45 min, 150 → 2.5 h, 4320 → 3 d. */
export function splitMinutes(min: number): { value: number; unit: 'min' | 'h' | 'd' } {
  if (min < 120) return { value: Math.round(min), unit: 'min' };
  if (min < 48 * 60) return { value: Math.round((min / 60) * 10) / 10, unit: 'h' };
  return { value: Math.round((min / 1440) * 10) / 10, unit: 'd' };
}
