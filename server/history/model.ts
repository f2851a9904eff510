/**
 * A year of history for the demo city (issue 16): how much happens and how long people take, as
 * data. The generator (generate.ts) draws from these; every figure here is documented where it is.
 *
 * Volume (per year, full scale). The seeds give one city's disputes: 25,700 screened a year
 * (MISSION.md, seed 002), so the dispute categories are drawn at ~25,000 a year (in the relative
 * weights of the simulator's category table, event-mix.ts). The other 21 categories come as
 * reports to the centre at ~20,000 a year (the seeds give no figure; "tens of thousands of
 * incidents in all" is the issue's). Alarms come from the simulator's event model at a fifth… a
 * tenth of the live demo's rate (`eventRatePerSec`): a year of the live 5 events/s would be
 * ~160 M events and ~390,000 alarms, far past what a first start can insert within a minute on
 * PGlite. And only the events that raise an alarm are stored: the rest (access reads, illegal
 * parking detections, reports no rule matches) would be ~99 % of the rows and feed no figure.
 *
 * The small scale (~200 grids) is small: a few hundred incidents and alarms.
 */
import type { Rng } from '@server/demo/random';

export interface HistoryScale {
  /** Dispute-category reports a year (the seeds' ~25,000 for a full city). */
  disputesPerYear: number;
  /** Reports of the other categories a year (citizens, hotline, grid workers, dispatchers). */
  otherReportsPerYear: number;
  /** The event model's bulk rate (events/s, over a day) whose alarm-raising part is simulated. */
  eventRatePerSec: number;
  /** Railway fence intrusions an hour (the live demo's default is 3). */
  fencePerHour: number;
  /** One-key alarms a day (the live default 1.5). */
  oneKeyPerDay: number;
}

export const HISTORY_SCALES: Readonly<Record<'full' | 'small', HistoryScale>> = {
  full: {
    disputesPerYear: 25_000,
    otherReportsPerYear: 20_000,
    eventRatePerSec: 0.5,
    fencePerHour: 0.4,
    oneKeyPerDay: 1.5,
  },
  small: {
    disputesPerYear: 160,
    otherReportsPerYear: 160,
    eventRatePerSec: 0.004,
    fencePerHour: 0.004,
    oneKeyPerDay: 0.1,
  },
};

/**
 * Seasonality by month (Beijing time, January first; mean 1): disputes and reports peak before
 * the Spring Festival (wages owed, family visits: January, February) and in the summer heat (July,
 * August: noise, neighbours, outdoor crowds); lowest in late autumn.
 */
export const SEASON: readonly number[] = [1.2, 1.25, 0.95, 0.9, 0.95, 1.0, 1.1, 1.15, 0.95, 0.9, 0.8, 0.85];
export const SEASON_MAX = Math.max(...SEASON);
const SEASON_MEAN = SEASON.reduce((a, b) => a + b, 0) / SEASON.length;

/** The season's factor at an instant (mean 1 over a year). */
export function season(ms: number): number {
  const month = new Date(ms + 8 * 3_600_000).getUTCMonth();
  return SEASON[month]! / SEASON_MEAN;
}

/** Who reports, for disputes (grid workers find most in their rounds: 排查) and for the rest. */
export const REPORT_SOURCES = ['field', 'citizen', 'hotline', 'dispatcher'] as const;
export type ReportSource = (typeof REPORT_SOURCES)[number];
export const DISPUTE_SOURCE_WEIGHTS = [0.5, 0.2, 0.2, 0.1];
export const OTHER_SOURCE_WEIGHTS = [0.35, 0.3, 0.25, 0.1];

/**
 * Shares of the loop's turns (each a draw per incident):
 * - cancelled as false or a duplicate once the centre looked (the fence's person had gone,
 *   another call about the same thing): 10 % of alarm incidents, 3 % of reports;
 * - a unit declines a dispatch: staff-plan.ts DECLINE_SHARE (5 %);
 * - the grid worker sends the work back as not done (网格验收不通过): 4 % of verifications;
 * - a citizen who reported rates the result: 75 % (the rest close without a rating after the
 *   hub's 72 h window, sla-sweep.service.ts);
 * - left unworked for a while (the staff work 98/96/94/90 % by priority at once, staff-plan.ts
 *   WORK_SHARE): the rest wait `NEGLECT` until a supervisor picks them up, so their clocks breach.
 */
export const CANCEL_SHARE = { alarm: 0.1, report: 0.03 };
export const REJECT_SHARE = 0.04;
export const RATED_SHARE = 0.75;
/** A dispute's last mediation ends agreed (化解): the seeds' 99.47 % of 25,700, near enough. */
export const AGREED_SHARE = 0.992;
/** A dispute's description carries words of threat (dispute-risk.ts THREAT_WORDS) this often. */
export const THREAT_SHARE = 0.03;

/** A log-normal draw in ms with this median and spread (sigma of the log), within [min, max]. */
export function logNormalMs(rng: Rng, medianMin: number, sigma: number, minMin: number, maxMin: number): number {
  // Box–Muller from two uniforms of the stream.
  const u = Math.max(1e-12, rng.next());
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  const m = Math.min(maxMin, Math.max(minMin, medianMin * Math.exp(sigma * z)));
  return Math.round(m * 60_000);
}

/**
 * Delays, in minutes, beyond the staff's own (staff-plan.ts stepDelayMs: opening an alarm,
 * accepting, dispatching, a unit answering, work on scene, the grid worker's check, the rating):
 * - NEGLECT: an incident nobody took at once waits for a supervisor: median 90 min, 20 min–12 h;
 * - travel: distance by road (1.4 × straight) at the kind's speed, plus 1–4 min to set off;
 * - WORK for categories whose work takes days (a city department's crew: illegal building, road
 *   facility, sanitation): median 10 h, 1 h–3 days;
 * - MEDIATION between a dispute's sessions: median 20 h, 2 h–12 days (the 7-day SLA is met by
 *   most, missed by some; land disputes have 30 days).
 */
export const NEGLECT = { median: 90, sigma: 0.9, min: 20, max: 12 * 60 };
export const CITY_WORK = { median: 10 * 60, sigma: 0.9, min: 60, max: 3 * 24 * 60 };
export const MEDIATION = { median: 20 * 60, sigma: 1.0, min: 120, max: 12 * 24 * 60 };
export const CITY_WORK_CATEGORIES: ReadonlySet<string> = new Set(['illegal_building', 'road_facility', 'sanitation']);

/** Speeds by unit kind, km/h, through the city. */
export const SPEED_KMH: Readonly<Record<string, number>> = {
  patrol_car: 30,
  fire: 35,
  medical: 35,
  police: 18,
  department: 25,
  grid_worker: 12,
};
