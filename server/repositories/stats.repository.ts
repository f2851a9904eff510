/**
 * The figures' SQL (issue 16): sums over the rollups the database keeps current (migration 0012),
 * and the same sums over the rows themselves for what the rollups do not keep (a street's split by
 * category, a grid's day, the time histograms below districts): the rows of one street at most, read
 * by the street index, through the very functions the rollups are made from. Also the live reads
 * (open now, overdue open, the heat points). No rules here: the service turns sums into figures.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../db/connect';
import { RISK_CATEGORIES } from '@shared/ingest';

/** Rollup level: 0 city, 1 district, 2 street, 3 grid. */
export type RollupLevel = 0 | 1 | 2 | 3;

/** Which rollup rows a window covers: whole months from month rows, the other days from day rows. */
export interface SegmentFilter {
  months: readonly string[];
  days: readonly (readonly [string, string])[];
}

/** What a sum is grouped by ('none': one row). */
export type Grouping = 'none' | 'region' | 'category' | 'source' | 'unit_kind' | 'day' | 'month';

/** The incident rollup's counter columns, as migration 0012 makes them (the figures read them by these names). */
export const ROLLUP_COUNTERS = [
  'reported',
  'cancelled',
  'escalated',
  'supervised',
  'resolved',
  'closed',
  'disputes',
  'disputes_closed',
  'disputes_agreed',
  'rated',
  'rated_good',
  'verified',
  'rejections',
  'on_time',
  'late',
  'accept_n',
  'accept_sum',
  'queue_n',
  'queue_sum',
  'unit_accept_n',
  'unit_accept_sum',
  'travel_n',
  'travel_sum',
  'response_n',
  'response_sum',
  'resolve_n',
  'resolve_sum',
] as const;
/** The sums of every counter, of the rollups' columns or of a facts row's (`f.`). */
const sums = (from = '') =>
  sql.raw(ROLLUP_COUNTERS.map((c) => `coalesce(sum(${from}${c}), 0)::float8 as ${c}`).join(', '));
const INCIDENT_SUMS = sums();

const OPEN = sql.raw(`status not in ('closed', 'merged', 'cancelled')`);

function segmentWhere(s: SegmentFilter): SQL {
  const parts: SQL[] = [];
  if (s.months.length)
    parts.push(
      sql`(grain = 'm' and start in (${sql.join(
        s.months.map((m) => sql`${m}::date`),
        sql`, `,
      )}))`,
    );
  for (const [a, b] of s.days) parts.push(sql`(grain = 'd' and start between ${a}::date and ${b}::date)`);
  return parts.length ? sql`(${sql.join(parts, sql` or `)})` : sql`false`;
}

/** Which rows of the rollup a grouping reads (its dimension) and what it groups them by. */
function groupOf(g: Grouping): { dim: string; key: SQL } {
  switch (g) {
    case 'none':
      return { dim: '-', key: sql`''` };
    case 'region':
      return { dim: '-', key: sql`region` };
    case 'category':
    case 'source':
    case 'unit_kind':
      return { dim: g, key: sql`key` };
    case 'day':
      return { dim: '-', key: sql`to_char(start, 'YYYY-MM-DD')` };
    case 'month':
      return { dim: '-', key: sql`to_char(start, 'YYYY-MM')` };
  }
}

/** The same grouping over live incident rows (for the overdue open ones). */
function liveKey(g: Grouping, childLength: number): SQL {
  switch (g) {
    case 'none':
      return sql`''`;
    case 'region':
      return sql`left(grid_code, ${childLength})`;
    case 'category':
      return sql`category`;
    case 'source':
      return sql`source`;
    case 'unit_kind':
      return sql`coalesce(assignments->0->>'kind', 'none')`;
    case 'day':
      return sql`to_char(stats_day(resolve_due_at), 'YYYY-MM-DD')`;
    case 'month':
      return sql`to_char(stats_day(resolve_due_at), 'YYYY-MM')`;
  }
}

const like = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Rows located under a region prefix, by the indexes on left(grid_code, 6 | 9) where they help (a
 * community's and a grid's rows through their street's).
 */
function under(prefix: string, col = sql.raw('grid_code')): SQL {
  if (prefix.length >= 9)
    return sql`left(${col}, 9) = ${prefix.slice(0, 9)} and left(${col}, ${prefix.length}) = ${prefix}`;
  return sql`left(${col}, ${prefix.length}) = ${prefix}`;
}

export interface AlarmSums {
  priority: number;
  source: string;
  raised: number;
  events: number;
  falseAlarms: number;
  expired: number;
  incidents: number;
  acknowledged: number;
}

/**
 * The grids' month in the per-grid analysis, column-wise: per grid (row r) its code, this month's
 * total, last month's, and this month's counts per category (RISK_CATEGORIES' order) at
 * counts[r × width …].
 */
export interface GridMonths {
  width: number;
  grids: string[];
  total: Int32Array;
  last: Int32Array;
  counts: Int32Array;
}

/**
 * `grid total last c1,c2,…;…` (counts empty: none this month) into columns. Read character by
 * character: a city's 300,000 counts cost split() and Number() several times as much.
 */
export function parseGridMonths(s: string | null, width: number): GridMonths {
  let n = 0;
  if (s) {
    n = 1;
    for (let at = s.indexOf(';'); at >= 0; at = s.indexOf(';', at + 1)) n++;
  }
  const out: GridMonths = {
    width,
    grids: [],
    total: new Int32Array(n),
    last: new Int32Array(n),
    counts: new Int32Array(n * width),
  };
  if (!s) return out;
  const end = s.length;
  let at = 0;
  for (let row = 0; at < end; row++) {
    const space = s.indexOf(' ', at);
    out.grids.push(s.slice(at, space));
    at = space + 1;
    // The numbers after the code: total, last, then the counts; a field ends at ' ', ',' or ';'.
    let field = 0;
    let value = 0;
    let negative = false;
    let digits = false;
    for (; at <= end; at++) {
      const c = at < end ? s.charCodeAt(at) : 59;
      if (c >= 48 && c <= 57) {
        value = value * 10 + c - 48;
        digits = true;
      } else if (c === 45) negative = true;
      else {
        const v = negative ? -value : value;
        if (field === 0) out.total[row] = v;
        else if (field === 1) out.last[row] = v;
        else if (digits && field - 2 < width) out.counts[row * width + field - 2] = v;
        field++;
        value = 0;
        negative = false;
        digits = false;
        if (c === 59) break;
      }
    }
    at++;
  }
  return out;
}

/** A grid and category (its index in RISK_CATEGORIES, from 1) that may stand out this month. */
export interface GridCandidate {
  grid: string;
  index: number;
  /** This month's count. */
  n: number;
  /** The count over the HISTORY_MONTHS months before. */
  history: number;
  /** The grid's total over the HISTORY_MONTHS months before (all categories). */
  historyTotal: number;
}

export interface RegionInfo {
  code: string;
  name: string;
  level: 'city' | 'district' | 'street' | 'community' | 'grid';
}

export class StatsRepository {
  constructor(private readonly db: Db) {}

  async region(code: string): Promise<RegionInfo | undefined> {
    const rows = await queryRows<RegionInfo>(this.db, sql`select code, name, level from regions where code = ${code}`);
    return rows[0];
  }

  /** The city's code (the one region of level city). */
  async cityRegion(): Promise<string | undefined> {
    const rows = await queryRows<{ code: string }>(this.db, sql`select code from regions where level = 'city' limit 1`);
    return rows[0]?.code;
  }

  /** Names of regions by code. */
  async regionNames(codes: readonly string[]): Promise<Map<string, string>> {
    if (codes.length === 0) return new Map();
    const rows = await queryRows<{ code: string; name: string }>(
      this.db,
      sql`select code, name from regions where code in (${sql.join(
        codes.map((c) => sql`${c}`),
        sql`, `,
      )})`,
    );
    return new Map(rows.map((r) => [r.code, r.name]));
  }

  /** Summed incident counters at `level` for regions under `prefix`, grouped. */
  async incidentSums(
    level: RollupLevel,
    prefix: string,
    seg: SegmentFilter,
    group: Grouping,
  ): Promise<(Record<string, number> & { key: string })[]> {
    const { dim, key } = groupOf(group);
    return queryRows(
      this.db,
      sql`select ${key} as key, ${INCIDENT_SUMS} from incident_rollup
          where level = ${level} and region like ${like(prefix)} and ${segmentWhere(seg)} and dim = ${dim}
          group by 1`,
    );
  }

  /**
   * The same sums as incidentSums, from the incidents under `prefix` themselves (for what the rollups
   * do not keep): each row's facts (stats_incident_facts) on local days firstDay..lastDay.
   */
  async liveSums(
    prefix: string,
    firstDay: string,
    lastDay: string,
    /** The rows' report times to read: from the window's start less the longest deadline, to its end. */
    createdFrom: Date,
    createdTo: Date,
    group: Grouping,
    childLength: number,
  ): Promise<(Record<string, number> & { key: string })[]> {
    const key = {
      none: sql`''`,
      region: sql`left(r.grid_code, ${childLength})`,
      category: sql`f.category`,
      source: sql`f.source`,
      unit_kind: sql`f.unit_kind`,
      day: sql`to_char(f.day, 'YYYY-MM-DD')`,
      month: sql`to_char(f.day, 'YYYY-MM')`,
    }[group];
    return queryRows(
      this.db,
      sql`select ${key} as key, ${sums('f.')} from incidents r cross join lateral stats_incident_facts(r) f
          where ${under(prefix, sql.raw('r.grid_code'))}
            and r.created_at >= ${createdFrom.toISOString()}::timestamptz and r.created_at < ${createdTo.toISOString()}::timestamptz
            and f.day between ${firstDay}::date and ${lastDay}::date
          group by 1`,
    );
  }

  /** Time histograms (measure → bucket → count) at a rollup level that keeps them (0-2). */
  async histogram(
    level: 0 | 1 | 2,
    region: string,
    seg: SegmentFilter,
  ): Promise<{ measure: number; bucket: number; n: number }[]> {
    return queryRows(
      this.db,
      sql`select measure, bucket, sum(n)::float8 as n from incident_rollup_hist
          where level = ${level} and region = ${region} and ${segmentWhere(seg)}
          group by measure, bucket`,
    );
  }

  /** The same histograms from live rows, for a community or a grid (few rows; the same definition). */
  async liveHistogram(prefix: string, from: Date, to: Date): Promise<{ measure: number; bucket: number; n: number }[]> {
    return queryRows(
      this.db,
      sql`select x.measure, x.bucket, count(*)::float8 as n
          from incidents r cross join lateral stats_incident_times(r) x
          where ${under(prefix, sql.raw('r.grid_code'))} and r.created_at >= ${from.toISOString()}::timestamptz
            and r.created_at < ${to.toISOString()}::timestamptz
          group by 1, 2`,
    );
  }

  /** Open incidents past their resolve deadline, deadline in [from, min(to, now)), grouped. */
  async overdueOpen(
    prefix: string,
    from: Date,
    to: Date,
    group: Grouping,
    childLength: number,
  ): Promise<{ key: string; n: number }[]> {
    return queryRows(
      this.db,
      sql`select ${liveKey(group, childLength)} as key, count(*)::float8 as n from incidents
          where resolved_at is null and ${OPEN} and ${under(prefix)}
            and resolve_due_at >= ${from.toISOString()}::timestamptz and resolve_due_at < ${to.toISOString()}::timestamptz
          group by 1`,
    );
  }

  async openCount(prefix: string): Promise<number> {
    const rows = await queryRows<{ n: number }>(
      this.db,
      sql`select count(*)::float8 as n from incidents where ${OPEN} and ${under(prefix)}`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async openByGrid(prefix: string): Promise<{ grid: string; n: number }[]> {
    return queryRows(
      this.db,
      sql`select grid_code as grid, count(*)::float8 as n from incidents where ${OPEN} and ${under(prefix)} group by 1`,
    );
  }

  async alarmSums(level: RollupLevel, prefix: string, seg: SegmentFilter): Promise<AlarmSums[]> {
    return queryRows(
      this.db,
      sql`select priority, source, sum(raised)::float8 as "raised", sum(events)::float8 as "events",
            sum(false_alarms)::float8 as "falseAlarms", sum(expired)::float8 as "expired",
            sum(incidents)::float8 as "incidents", sum(acknowledged)::float8 as "acknowledged"
          from alarm_rollup where level = ${level} and region like ${like(prefix)} and ${segmentWhere(seg)}
          group by 1, 2`,
    );
  }

  /** The same sums as alarmSums, from the alarms under `prefix` raised in [from, to). */
  async liveAlarmSums(prefix: string, from: Date, to: Date): Promise<AlarmSums[]> {
    return queryRows(
      this.db,
      sql`select f.priority, f.source, sum(f.raised)::float8 as "raised", sum(f.events)::float8 as "events",
            sum(f.false_alarms)::float8 as "falseAlarms", sum(f.expired)::float8 as "expired",
            sum(f.incidents)::float8 as "incidents", sum(f.acknowledged)::float8 as "acknowledged"
          from alarms a cross join lateral stats_alarm_facts(a) f
          where ${under(prefix, sql.raw('a.grid_code'))}
            and a.created_at >= ${from.toISOString()}::timestamptz and a.created_at < ${to.toISOString()}::timestamptz
          group by 1, 2`,
    );
  }

  /** Per grid under `prefix`, month and category: incidents (false reports left out), from the grids' month rows. */
  async gridMonths(
    prefix: string,
    months: readonly string[],
  ): Promise<{ grid: string; month: string; category: string; n: number; closed: number; cancelled: number }[]> {
    if (months.length === 0) return [];
    return queryRows(
      this.db,
      sql`select region as grid, to_char(start, 'YYYY-MM') as month, key as category,
            sum(reported - cancelled)::float8 as n, sum(closed)::float8 as closed, sum(cancelled)::float8 as cancelled
          from incident_rollup
          where level = 3 and grain = 'm' and dim = 'category' and region like ${like(prefix)}
            and start in (${sql.join(
              months.map((m) => sql`${`${m}-01`}::date`),
              sql`, `,
            )})
          group by 1, 2, 3`,
    );
  }

  /**
   * The grids under `prefix` with a grid_month row this month or last (migration 0013): this
   * month's counts per category (RISK_CATEGORIES' order) and total, and last month's total. The
   * database sends them as one text value (the counts as their stored text), parsed here: a city's
   * 10,000 separate rows cost PGlite about twice as much.
   */
  async gridMonthRows(prefix: string, month: string, last: string): Promise<GridMonths> {
    const rows = await queryRows<{ s: string | null }>(
      this.db,
      sql`select string_agg(grid || ' ' || coalesce(n.total, 0) || ' ' || coalesce(l.total, 0) || ' '
              || coalesce(n.counts_text, ''), ';') as s
          from (select grid, counts_text, total from grid_month where month = ${`${month}-01`}::date and grid like ${like(prefix)}) n
          full join (select grid, total from grid_month where month = ${`${last}-01`}::date and grid like ${like(prefix)}) l
            using (grid)`,
    );
    return parseGridMonths(rows[0]?.s ?? null, RISK_CATEGORIES.length);
  }

  /** Per grid under `prefix`, the month's incidents (false reports left out): all, or one category's (its index from 1). */
  async gridMonthValues(prefix: string, month: string, index: number | null): Promise<{ grid: string; n: number }[]> {
    const value = index === null ? sql`total` : sql`counts[${index}::int]`;
    return queryRows(
      this.db,
      sql`select grid, n from (
            select grid, ${value}::float8 as n from grid_month where month = ${`${month}-01`}::date and grid like ${like(prefix)}
          ) x where n <> 0`,
    );
  }

  /**
   * The (grid, category index) pairs under `prefix` with at least `min` this month (the only ones
   * that may stand out): this month's count, the count over the stats_history_months() (6) months
   * before it, and the grid's total over them: all from the month's own row (migration 0014), the
   * rows that have one by `min <= any(counts)`.
   */
  async gridCandidates(prefix: string, month: string, min: number): Promise<GridCandidate[]> {
    return queryRows(
      this.db,
      sql`select n.grid, s.i as "index", n.counts[s.i]::float8 as n, n.history[s.i]::float8 as history,
            n.history_total::float8 as "historyTotal"
          from (select grid, counts, history, history_total from grid_month
                where month = ${`${month}-01`}::date and grid like ${like(prefix)} and ${min}::int <= any(counts)) n
          cross join generate_subscripts(n.counts, 1) as s(i)
          where n.counts[s.i] >= ${min}::int`,
    );
  }

  /** Per category and month under `prefix`, from the rows of a rollup level: incidents (false reports left out). */
  async categoryMonths(
    level: RollupLevel,
    prefix: string,
    months: readonly string[],
  ): Promise<{ category: string; month: string; n: number }[]> {
    return queryRows(
      this.db,
      sql`select key as category, to_char(start, 'YYYY-MM') as month, sum(reported - cancelled)::float8 as n
          from incident_rollup
          where level = ${level} and grain = 'm' and dim = 'category' and region like ${like(prefix)}
            and start in (${sql.join(
              months.map((m) => sql`${`${m}-01`}::date`),
              sql`, `,
            )})
          group by 1, 2`,
    );
  }

  /** Grids under a prefix, with names (every grid, those without incidents too). */
  async grids(prefix: string): Promise<{ code: string; name: string }[]> {
    return queryRows(
      this.db,
      sql`select code, name from regions where level = 'grid' and code like ${like(prefix)} order by code`,
    );
  }

  /** Incident points reported in [from, to) under a prefix, newest first, at most `limit` (the heat layer). */
  async heatPoints(
    prefix: string,
    from: Date,
    to: Date,
    limit: number,
  ): Promise<{ lon: number; lat: number; at: Date | string; priority: number }[]> {
    return queryRows(
      this.db,
      sql`select lon, lat, created_at as at, priority from incidents
          where ${under(prefix)} and status <> 'merged'
            and created_at >= ${from.toISOString()}::timestamptz and created_at < ${to.toISOString()}::timestamptz
          order by created_at desc limit ${limit}`,
    );
  }
}
