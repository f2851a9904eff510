/**
 * The figures' SQL (issue 16): sums over the rollups the database keeps current (migration 0012),
 * and the few live reads over incidents (open now, overdue open, the heat points, the time
 * histograms of a community or a grid, which the rollups keep only down to streets). No rules here:
 * the service turns the sums into figures.
 */
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../db/connect';

/** Rollup level: 0 city, 1 district, 2 street, 3 grid. */
export type RollupLevel = 0 | 1 | 2 | 3;

/** Which rollup rows a window covers: whole months from month rows, the other days from day rows. */
export interface SegmentFilter {
  months: readonly string[];
  days: readonly (readonly [string, string])[];
}

/** What a sum is grouped by ('none': one row). */
export type Grouping = 'none' | 'region' | 'category' | 'source' | 'unit_kind' | 'day' | 'month';

const INCIDENT_SUMS = sql.raw(
  [
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
  ]
    .map((c) => `coalesce(sum(${c}), 0)::float8 as ${c}`)
    .join(', '),
);

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

function groupKey(g: Grouping): SQL {
  switch (g) {
    case 'none':
      return sql`''`;
    case 'region':
      return sql`region`;
    case 'category':
      return sql`category`;
    case 'source':
      return sql`source`;
    case 'unit_kind':
      return sql`unit_kind`;
    case 'day':
      return sql`to_char(start, 'YYYY-MM-DD')`;
    case 'month':
      return sql`to_char(start, 'YYYY-MM')`;
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
    const key = groupKey(group);
    return queryRows(
      this.db,
      sql`select ${key} as key, ${INCIDENT_SUMS} from incident_rollup
          where level = ${level} and region like ${like(prefix)} and ${segmentWhere(seg)}
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
          where r.grid_code like ${like(prefix)} and r.created_at >= ${from.toISOString()}::timestamptz
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
          where resolved_at is null and ${OPEN} and grid_code like ${like(prefix)}
            and resolve_due_at >= ${from.toISOString()}::timestamptz and resolve_due_at < ${to.toISOString()}::timestamptz
          group by 1`,
    );
  }

  async openCount(prefix: string): Promise<number> {
    const rows = await queryRows<{ n: number }>(
      this.db,
      sql`select count(*)::float8 as n from incidents where ${OPEN} and grid_code like ${like(prefix)}`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async openByGrid(prefix: string): Promise<{ grid: string; n: number }[]> {
    return queryRows(
      this.db,
      sql`select grid_code as grid, count(*)::float8 as n from incidents where ${OPEN} and grid_code like ${like(prefix)} group by 1`,
    );
  }

  async alarmSums(
    level: RollupLevel,
    prefix: string,
    seg: SegmentFilter,
  ): Promise<
    {
      priority: number;
      source: string;
      raised: number;
      events: number;
      falseAlarms: number;
      expired: number;
      incidents: number;
      acknowledged: number;
    }[]
  > {
    return queryRows(
      this.db,
      sql`select priority, source, sum(raised)::float8 as "raised", sum(events)::float8 as "events",
            sum(false_alarms)::float8 as "falseAlarms", sum(expired)::float8 as "expired",
            sum(incidents)::float8 as "incidents", sum(acknowledged)::float8 as "acknowledged"
          from alarm_rollup where level = ${level} and region like ${like(prefix)} and ${segmentWhere(seg)}
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
      sql`select region as grid, to_char(start, 'YYYY-MM') as month, category,
            sum(reported - cancelled)::float8 as n, sum(closed)::float8 as closed, sum(cancelled)::float8 as cancelled
          from incident_rollup
          where level = 3 and grain = 'm' and region like ${like(prefix)}
            and start in (${sql.join(
              months.map((m) => sql`${`${m}-01`}::date`),
              sql`, `,
            )})
          group by 1, 2, 3`,
    );
  }

  /** Grids under a prefix, with names (every grid, those without incidents too). */
  async grids(prefix: string): Promise<{ code: string; name: string }[]> {
    return queryRows(
      this.db,
      sql`select code, name from regions where level = 'grid' and code like ${like(prefix)} order by code`,
    );
  }

  /** Incident points reported in [from, to) under a prefix, oldest first (the heat layer). */
  async heatPoints(
    prefix: string,
    from: Date,
    to: Date,
    limit: number,
  ): Promise<{ lon: number; lat: number; at: Date | string; priority: number }[]> {
    return queryRows(
      this.db,
      sql`select lon, lat, created_at as at, priority from incidents
          where grid_code like ${like(prefix)} and status <> 'merged'
            and created_at >= ${from.toISOString()}::timestamptz and created_at < ${to.toISOString()}::timestamptz
          order by created_at limit ${limit}`,
    );
  }
}
