/**
 * The figures a command centre runs on (issue 16): the wire contract of `GET /api/v1/stats/*`.
 *
 * Every figure is computed by the hub from stored rows (rollups the database keeps current as rows
 * change, `server/db/migrations/0012_*`), always inside the caller's region scope. The definitions
 * (README, "Figures") in one place:
 *
 * - An incident counts where it happened (its grid) and on the day it was reported, local time
 *   (UTC+8); merged reports do not count (the incident they went into does).
 * - Counts: reported; open now; cancelled (false) ; escalated (handled above its grid at least once);
 *   supervised disputes (high risk, 民转刑 early warning).
 * - Times, minutes, nearest-rank p50 / p90 over the incidents reported in the window that reached
 *   the later stage, bucketed (whole minutes below 1 h, 5 min to 4 h, 30 min to 2 days, a day
 *   beyond), the lower edge of the bucket: accept = report → accepted by the centre; queue = report
 *   → first dispatch; unitAccept = first dispatch → a unit accepted; travel = a unit accepted → on
 *   scene; response = report → on scene; resolve = report → resolved.
 * - Rates, per cent, null when the denominator is 0:
 *   onTime (按期办结率) = resolved by the resolve deadline / due (incidents whose resolve deadline
 *   fell in the window and has passed, or that are resolved), counted by the deadline's day;
 *   closure (结案率) = closed / reported (not cancelled); resolution (化解率) = disputes agreed /
 *   disputes closed; satisfaction (满意率) = ratings 4–5 / rated; verification (验收通过率) = passed /
 *   (passed + sent back).
 * - Alarms: raised (an alarm, however many repeats folded in), events (repeats included), false,
 *   expired, made an incident; by priority and by source; false rate = false / handled (false +
 *   incident + acknowledged).
 */
import { z } from 'zod';
import { RISK_CATEGORIES, EVENT_SOURCES } from './ingest';
import { regionCode, UNIT_KINDS } from './world';
import { CATEGORY_FAMILIES } from './incident-categories';
import { INCIDENT_SOURCES } from './incidents';

/** The city's clock: days and months begin at local midnight (China has one zone and no DST). */
export const CITY_UTC_OFFSET_MIN = 8 * 60;
/** The longest window one request may cover. */
export const STATS_MAX_DAYS = 366;

export const STATS_PERIODS = ['today', '7d', '30d', '12m'] as const;
export type StatsPeriod = (typeof STATS_PERIODS)[number];

/** What a breakdown table or chart splits by. `region`: the chosen region's children (district → streets → grids). */
export const STATS_DIMENSIONS = ['region', 'category', 'family', 'source', 'unit_kind', 'day', 'month'] as const;
export type StatsDimension = (typeof STATS_DIMENSIONS)[number];

export const TIME_MEASURES = ['accept', 'queue', 'unitAccept', 'travel', 'response', 'resolve'] as const;
export type TimeMeasure = (typeof TIME_MEASURES)[number];

export const RATE_MEASURES = ['onTime', 'closure', 'resolution', 'satisfaction', 'verification'] as const;
export type RateMeasure = (typeof RATE_MEASURES)[number];

export const COUNT_MEASURES = [
  'reported',
  'cancelled',
  'escalated',
  'supervised',
  'resolved',
  'closed',
  'disputes',
  'rated',
] as const;
export type CountMeasure = (typeof COUNT_MEASURES)[number];

/** The grid layer's thematic measures (beside camera density, which the map computes itself). */
export const GRID_MEASURES = ['open', 'reported', 'category', 'closure'] as const;
export type GridMeasure = (typeof GRID_MEASURES)[number];

const dateOnly = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine(
    (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    {
      message: 'must be a real date',
    },
  );
export const monthKey = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM');

/** The window and region every stats request names (the region defaults to the caller's scope). */
export const statsWindowQuery = z
  .strictObject({
    region: regionCode.optional(),
    period: z.enum(STATS_PERIODS, { error: `must be one of ${STATS_PERIODS.join(', ')}` }).optional(),
    /** A custom window of whole local days, both included (instead of `period`). */
    from: dateOnly.optional(),
    to: dateOnly.optional(),
  })
  .superRefine((q, ctx) => {
    if (q.period && (q.from || q.to))
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'give either period or from/to, not both' });
    if (!!q.from !== !!q.to)
      ctx.addIssue({ code: 'custom', path: [q.from ? 'to' : 'from'], message: 'from and to go together' });
    if (q.from && q.to) {
      const days = (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 + 1;
      if (days < 1) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
      else if (days > STATS_MAX_DAYS)
        ctx.addIssue({ code: 'custom', path: ['to'], message: `the window may cover at most ${STATS_MAX_DAYS} days` });
    }
  });
export type StatsWindowQuery = z.infer<typeof statsWindowQuery>;

export const statsFormat = z.enum(['json', 'csv'], { error: 'must be json or csv' });

export const kpiQuery = statsWindowQuery;
export const breakdownQuery = z.intersection(
  statsWindowQuery,
  z.strictObject({
    by: z.enum(STATS_DIMENSIONS, { error: `must be one of ${STATS_DIMENSIONS.join(', ')}` }),
    format: statsFormat.optional(),
  }),
);
export type BreakdownQuery = z.infer<typeof breakdownQuery>;

/** A window as the hub resolved it: [from, to) as instants, and the days it covers. */
export const resolvedWindow = z.object({
  from: z.string(),
  to: z.string(),
  /** Local dates, both included. */
  firstDay: z.string(),
  lastDay: z.string(),
});
export type ResolvedWindow = z.infer<typeof resolvedWindow>;

export const percentiles = z.object({ p50: z.number().nullable(), p90: z.number().nullable(), n: z.number() });
export type Percentiles = z.infer<typeof percentiles>;

/** One row's figures: counts, rates (per cent, null when nothing to divide by), mean times (minutes). */
export const figures = z.object({
  counts: z.record(z.enum(COUNT_MEASURES), z.number()),
  rates: z.record(z.enum(RATE_MEASURES), z.number().nullable()),
  /** Mean minutes per time measure (null: none reached that stage). */
  means: z.record(z.enum(TIME_MEASURES), z.number().nullable()),
});
export type Figures = z.infer<typeof figures>;

export const alarmFigures = z.object({
  raised: z.number(),
  events: z.number(),
  falseAlarms: z.number(),
  expired: z.number(),
  incidents: z.number(),
  handled: z.number(),
  falseRate: z.number().nullable(),
  byPriority: z.record(z.string(), z.number()),
  bySource: z.record(z.string(), z.number()),
});
export type AlarmFigures = z.infer<typeof alarmFigures>;

export const kpiReply = z.object({
  region: z.object({ code: z.string(), name: z.string(), level: z.string() }),
  window: resolvedWindow,
  previous: resolvedWindow,
  now: figures.extend({ times: z.record(z.enum(TIME_MEASURES), percentiles) }),
  before: figures.extend({ times: z.record(z.enum(TIME_MEASURES), percentiles) }),
  alarms: z.object({ now: alarmFigures, before: alarmFigures }),
  /** Open incidents now in the region (not windowed). */
  open: z.number(),
  asOf: z.string(),
});
export type KpiReply = z.infer<typeof kpiReply>;

export const breakdownRow = figures.extend({
  key: z.string(),
  /** What a screen shows for the key (a region's name, a category's Chinese label; the key itself for days). */
  label: z.string(),
});
export type BreakdownRow = z.infer<typeof breakdownRow>;

export const breakdownReply = z.object({
  region: z.object({ code: z.string(), name: z.string(), level: z.string() }),
  window: resolvedWindow,
  by: z.enum(STATS_DIMENSIONS),
  rows: z.array(breakdownRow),
  total: figures,
});
export type BreakdownReply = z.infer<typeof breakdownReply>;

// ------------------------------------------------------------------ monthly per-grid analysis

/** The grids a per-grid analysis lists by default (standouts first, then the busiest), and at most. */
export const GRID_ROWS_DEFAULT = 500;
export const GRID_ROWS_MAX = 20_000;

export const gridAnalysisQuery = z.strictObject({
  region: regionCode.optional(),
  month: monthKey,
  /** How many grids to list (the standouts first, then by this month's count). */
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, `must be 1-${GRID_ROWS_MAX}`)
    .max(GRID_ROWS_MAX, `must be 1-${GRID_ROWS_MAX}`)
    .optional(),
  format: statsFormat.optional(),
});
export type GridAnalysisQuery = z.infer<typeof gridAnalysisQuery>;

/** Why a grid stands out in a category this month (server/services/stats/standout.ts documents the rule). */
export const STANDOUT_REASONS = ['own-history', 'peers'] as const;

export const gridAnalysisRow = z.object({
  grid: z.string(),
  name: z.string(),
  /** Counts this month, one per category that occurred (the others are 0). */
  counts: z.record(z.string(), z.number()),
  total: z.number(),
  lastMonthTotal: z.number(),
  standouts: z.array(
    z.object({
      category: z.string(),
      count: z.number(),
      reason: z.enum(STANDOUT_REASONS),
      /** What it was compared with: the grid's own mean of its last months, or its peers' mean. */
      baseline: z.number(),
    }),
  ),
});
export type GridAnalysisRow = z.infer<typeof gridAnalysisRow>;

export const gridAnalysisReply = z.object({
  region: z.object({ code: z.string(), name: z.string(), level: z.string() }),
  month: z.string(),
  categories: z.array(z.string()),
  /** The grids with incidents this or last month, standouts first, then by this month's count (at most `limit`). */
  rows: z.array(gridAnalysisRow),
  /** How many grids had incidents this or last month (rows may list fewer). */
  gridCount: z.number(),
  /** Per category, the grids with the most this month (at most 5). */
  top: z.record(z.string(), z.array(z.object({ grid: z.string(), name: z.string(), count: z.number() }))),
  /** Per category, this month's total and last month's. */
  change: z.record(z.string(), z.object({ now: z.number(), before: z.number() })),
});
export type GridAnalysisReply = z.infer<typeof gridAnalysisReply>;

export const gridCardQuery = z.strictObject({ month: monthKey });
export const gridCardReply = z.object({
  grid: z.string(),
  name: z.string(),
  /** The 12 months ending with the chosen one, oldest first. */
  months: z.array(z.string()),
  /** Per category that occurred in those months, 12 counts. */
  series: z.record(z.string(), z.array(z.number())),
  open: z.number(),
  rates: z.record(z.enum(RATE_MEASURES), z.number().nullable()),
});
export type GridCardReply = z.infer<typeof gridCardReply>;

/** The grid layer's fill: one value per grid of the region. */
export const gridMeasureQuery = z
  .strictObject({
    region: regionCode.optional(),
    measure: z.enum(GRID_MEASURES, { error: `must be one of ${GRID_MEASURES.join(', ')}` }),
    month: monthKey.optional(),
    category: z.enum(RISK_CATEGORIES, { error: 'must be one of the 29 categories' }).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.measure === 'category' && !q.category)
      ctx.addIssue({ code: 'custom', path: ['category'], message: 'name the category for measure=category' });
    if (q.measure !== 'open' && !q.month)
      ctx.addIssue({ code: 'custom', path: ['month'], message: `name the month for measure=${q.measure}` });
  });
export type GridMeasureQuery = z.infer<typeof gridMeasureQuery>;
export const gridMeasureReply = z.object({
  measure: z.enum(GRID_MEASURES),
  /** Grid code → value (grids with none are absent: 0, or no rate). */
  values: z.record(z.string(), z.number()),
  max: z.number(),
});
export type GridMeasureReply = z.infer<typeof gridMeasureReply>;

// ------------------------------------------------------------------ heat over time

export const heatQuery = statsWindowQuery;
/**
 * Incident points for the heat layer: columns, one entry per incident reported in the window.
 * `t` is minutes since `origin` (the window's start): the GPU filters 32-bit floats, so offsets
 * from an origin keep a year's minutes exact.
 */
export const heatReply = z.object({
  window: resolvedWindow,
  origin: z.string(),
  lon: z.array(z.number()),
  lat: z.array(z.number()),
  t: z.array(z.number()),
  priority: z.array(z.number()),
});
export type HeatReply = z.infer<typeof heatReply>;

export { RISK_CATEGORIES, EVENT_SOURCES, INCIDENT_SOURCES, UNIT_KINDS, CATEGORY_FAMILIES };
