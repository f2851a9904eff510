/**
 * The figures (issue 16): KPIs, breakdowns, the monthly per-grid analysis, a grid's card, the grid
 * layer's measures and the heat points, always inside the caller's region scope. Every number is
 * summed from the rollups the database keeps current (stats.repository.ts; definitions in
 * shared/stats.ts and migration 0012), plus a few live reads of the open incidents.
 *
 * What we decided where the issue is silent:
 * - A region is read at its own rollup level (city, district, street; a community through its
 *   grids); drilling down goes district → street → grid (communities are passed over: grids are
 *   what grid workers run, and a street's grids are a table a leader reads).
 * - The request's region defaults to the caller's scope; one outside it is 403 naming only what the
 *   caller sent; an unknown one 404 naming the parameter.
 * - The per-grid analysis counts incidents without the false reports (cancelled), and compares a
 *   grid with the other grids of its street that lie in the request's region (never with grids the
 *   caller may not read).
 */
import type { AuthContext } from '@server/auth/context';
import { authorize } from '@server/auth/policy';
import { HttpError } from '@server/core/http-errors';
import type { Clock } from '@server/core/clock';
import type { Grouping, RegionInfo, RollupLevel, StatsRepository } from '@server/repositories/stats.repository';
import { inScope, scopePrefix } from '@shared/auth';
import { ErrorCode } from '@shared/errors';
import { CATEGORIES, type RiskCategory } from '@shared/incident-categories';
import {
  GRID_ROWS_DEFAULT,
  RISK_CATEGORIES,
  TIME_MEASURES,
  type BreakdownQuery,
  type BreakdownReply,
  type BreakdownRow,
  type GridAnalysisQuery,
  type GridAnalysisReply,
  type GridCardReply,
  type GridMeasureQuery,
  type GridMeasureReply,
  type HeatReply,
  type KpiReply,
  type Percentiles,
  type StatsWindowQuery,
  type TimeMeasure,
} from '@shared/stats';
import { addCounters, alarmFiguresOf, COUNTER_COLUMNS, figuresOf, pct, zeroCounters, type Counters } from './figures';
import { percentilesOf } from './percentile';
import { analyseGrids, gridListOf, type GridList } from './grid-analysis';
import { MIN_COUNT } from './standout';
import {
  addDays,
  addMonths,
  dayStart,
  localDay,
  monthFirstDay,
  monthLastDay,
  monthOf,
  resolved,
  segmentsOf,
  windowsOf,
  type DayWindow,
  type Segments,
} from './windows';

/** The longest a resolve deadline may lie after the report (the SLA policy's 90-day cap), and a day. */
const DEADLINE_LOOKBACK_MS = 91 * 86_400_000;

/** At most this many heat points in one reply, the newest (a year of the demo city is ~45,000). */
export const HEAT_LIMIT = 300_000;

const LEVEL: Record<RegionInfo['level'], RollupLevel> = { city: 0, district: 1, street: 2, community: 3, grid: 3 };
/** Drilling down: the level of a region's children in the rollups, and their code length. */
const CHILD: Partial<Record<RegionInfo['level'], { level: RollupLevel; length: number }>> = {
  city: { level: 1, length: 6 },
  district: { level: 2, length: 9 },
  street: { level: 3, length: 15 },
  community: { level: 3, length: 15 },
};

type Region = RegionInfo & { prefix: string; rollup: RollupLevel };

export class StatsService {
  constructor(
    private readonly repo: StatsRepository,
    private readonly clock: Clock,
  ) {}

  private now(): Date {
    return new Date(this.clock.now());
  }

  /** The region a request is about: the one named (in scope) or the caller's scope. */
  private async regionOf(ctx: AuthContext, code: string | undefined, param = 'query.region'): Promise<Region> {
    authorize(ctx.principal, 'stats:read');
    const scope = ctx.principal.scope;
    let wanted = code;
    if (!wanted) wanted = scopePrefix(scope).length < 4 ? await this.cityCode() : scope;
    if (!inScope(scope, wanted))
      throw new HttpError(403, ErrorCode.AuthForbidden, `${param}: the region asked for lies outside scope ${scope}`);
    const r = await this.repo.region(wanted);
    if (!r)
      throw new HttpError(404, ErrorCode.RegionNotFound, `${param}: no region with code ${JSON.stringify(wanted)}`);
    return { ...r, prefix: scopePrefix(r.code), rollup: LEVEL[r.level] };
  }

  private cityCodeCache: string | null = null;
  private async cityCode(): Promise<string> {
    if (!this.cityCodeCache) {
      const city = await this.repo.cityRegion();
      if (!city) throw new HttpError(404, ErrorCode.RegionNotFound, 'query.region: no city in the database');
      this.cityCodeCache = city;
    }
    return this.cityCodeCache;
  }

  /**
   * Summed counters of a window, grouped: from the rollups where they keep what is asked (the city
   * and districts: everything; streets: no dimension; grids: whole months by category), else from
   * the region's own rows through the same definitions (a street's rows at most).
   */
  private async counters(r: Region, w: DayWindow, group: Grouping, child?: { level: RollupLevel; length: number }) {
    const level = child?.level ?? r.rollup;
    const seg: Segments = group === 'day' ? { months: [], days: [[w.firstDay, w.lastDay]] } : segmentsOf(w);
    const kept =
      level <= 1 ||
      (level === 2 && (group === 'none' || group === 'region' || group === 'day' || group === 'month')) ||
      (level === 3 &&
        seg.days.length === 0 &&
        (group === 'none' || group === 'region' || group === 'category' || group === 'month'));
    const rows = kept
      ? await this.repo.incidentSums(level, r.prefix, seg, group)
      : await this.repo.liveSums(
          r.prefix,
          w.firstDay,
          w.lastDay,
          new Date(dayStart(w.firstDay).getTime() - DEADLINE_LOOKBACK_MS),
          dayStart(addDays(w.lastDay, 1)),
          group,
          child?.length ?? 0,
        );
    const out = new Map<string, Counters>();
    for (const row of rows) {
      const c = zeroCounters();
      for (const [k, col] of Object.entries(COUNTER_COLUMNS) as [keyof Counters, string][])
        c[k] = Number(row[col] ?? 0);
      out.set(String(row.key), c);
    }
    return out;
  }

  /** Alarm sums: from the rollups (streets by day, grids by month), else from the alarms themselves. */
  private async alarmSums(r: Region, w: DayWindow) {
    const seg = segmentsOf(w);
    const rows =
      r.rollup <= 2 || seg.days.length === 0
        ? await this.repo.alarmSums(r.rollup, r.prefix, seg)
        : await this.repo.liveAlarmSums(r.prefix, dayStart(w.firstDay), dayStart(addDays(w.lastDay, 1)));
    return alarmFiguresOf(rows.map((a) => ({ ...a, priority: Number(a.priority) })));
  }

  private async overdue(r: Region, w: DayWindow, group: Grouping, childLength = 0): Promise<Map<string, number>> {
    const now = this.now();
    const from = dayStart(w.firstDay);
    const end = dayStart(addDays(w.lastDay, 1));
    const to = end < now ? end : now;
    if (to <= from) return new Map();
    const rows = await this.repo.overdueOpen(r.prefix, from, to, group, childLength);
    return new Map(rows.map((x) => [String(x.key), Number(x.n)]));
  }

  private async times(r: Region, w: DayWindow, seg: Segments): Promise<Record<TimeMeasure, Percentiles>> {
    const rows =
      r.rollup <= 1
        ? await this.repo.histogram(r.rollup as 0 | 1, r.code, seg)
        : await this.repo.liveHistogram(r.prefix, dayStart(w.firstDay), dayStart(addDays(w.lastDay, 1)));
    const hists = TIME_MEASURES.map(() => new Map<number, number>());
    for (const row of rows) hists[Number(row.measure)]?.set(Number(row.bucket), Number(row.n));
    return Object.fromEntries(TIME_MEASURES.map((m, i) => [m, percentilesOf(hists[i]!)])) as Record<
      TimeMeasure,
      Percentiles
    >;
  }

  private async windowFigures(r: Region, w: DayWindow) {
    const [sums, overdue, times, alarms] = await Promise.all([
      this.counters(r, w, 'none'),
      this.overdue(r, w, 'none'),
      this.times(r, w, segmentsOf(w)),
      this.alarmSums(r, w),
    ]);
    const c = sums.get('') ?? zeroCounters();
    return { figures: { ...figuresOf(c, overdue.get('') ?? 0), times }, alarms };
  }

  async kpis(ctx: AuthContext, q: StatsWindowQuery): Promise<KpiReply> {
    const r = await this.regionOf(ctx, q.region);
    const now = this.now();
    const { window, previous } = windowsOf(q, now);
    const [a, b, open] = await Promise.all([
      this.windowFigures(r, window),
      this.windowFigures(r, previous),
      this.repo.openCount(r.prefix),
    ]);
    return {
      region: { code: r.code, name: r.name, level: r.level },
      window: resolved(window, now),
      previous: resolved(previous, now),
      now: a.figures,
      before: b.figures,
      alarms: { now: a.alarms, before: b.alarms },
      open,
      asOf: now.toISOString(),
    };
  }

  async breakdown(ctx: AuthContext, q: BreakdownQuery): Promise<BreakdownReply> {
    const r = await this.regionOf(ctx, q.region);
    const now = this.now();
    const { window } = windowsOf(q, now);
    let group: Grouping = q.by === 'family' ? 'category' : q.by;
    let child: { level: RollupLevel; length: number } | undefined;
    if (q.by === 'region') {
      child = CHILD[r.level];
      if (!child)
        throw new HttpError(400, ErrorCode.RequestInvalid, `query.by: a grid has no smaller regions to break down by`);
      group = 'region';
    }
    const [sums, overdue, totalSums, totalOverdue] = await Promise.all([
      this.counters(r, window, group, child),
      this.overdue(r, window, group, child?.length ?? 0),
      this.counters(r, window, 'none'),
      this.overdue(r, window, 'none'),
    ]);
    // Families: the sums of their categories.
    let keyed = sums;
    let overdueKeyed = overdue;
    if (q.by === 'family') {
      keyed = new Map();
      overdueKeyed = new Map();
      for (const [cat, c] of sums) {
        const fam = CATEGORIES[cat as RiskCategory]?.family ?? cat;
        keyed.set(fam, addCounters(keyed.get(fam) ?? zeroCounters(), c));
      }
      for (const [cat, n] of overdue) {
        const fam = CATEGORIES[cat as RiskCategory]?.family ?? cat;
        overdueKeyed.set(fam, (overdueKeyed.get(fam) ?? 0) + n);
      }
    }
    // Days and months: every one of the window, so a chart has no gaps.
    const keys = new Set(keyed.keys());
    if (q.by === 'day') for (let d = window.firstDay; d <= window.lastDay; d = addDays(d, 1)) keys.add(d);
    if (q.by === 'month')
      for (let m = monthOf(window.firstDay); m <= monthOf(window.lastDay); m = addMonths(m, 1)) keys.add(m);
    for (const k of overdueKeyed.keys()) if (q.by !== 'day' && q.by !== 'month') keys.add(k);
    const names = q.by === 'region' ? await this.repo.regionNames([...keys]) : new Map<string, string>();
    const rows: BreakdownRow[] = [...keys].map((key) => ({
      key,
      label: labelOf(q.by, key, names),
      ...figuresOf(keyed.get(key) ?? zeroCounters(), overdueKeyed.get(key) ?? 0),
    }));
    if (q.by === 'day' || q.by === 'month' || q.by === 'region') rows.sort((a, b) => (a.key < b.key ? -1 : 1));
    else rows.sort((a, b) => b.counts.reported - a.counts.reported || (a.key < b.key ? -1 : 1));
    return {
      region: { code: r.code, name: r.name, level: r.level },
      window: resolved(window, now),
      by: q.by,
      rows,
      total: figuresOf(totalSums.get('') ?? zeroCounters(), totalOverdue.get('') ?? 0),
    };
  }

  /** Grids under a prefix with their names and streets (regions never change while the hub runs). */
  private readonly gridLists = new Map<string, Promise<GridList>>();
  private gridsUnder(prefix: string) {
    let list = this.gridLists.get(prefix);
    if (!list) {
      list = this.repo.grids(prefix).then(gridListOf);
      list.catch(() => this.gridLists.delete(prefix));
      this.gridLists.set(prefix, list);
    }
    return list;
  }

  /**
   * The month's per-grid analysis of the 29 categories (grid-analysis.ts), from four reads side by
   * side: the grids' month rows (grid_month: this month's counts, last month's totals), the grid and
   * category pairs that reach the standout rule's minimum with their history (grid_month.history),
   * the categories' change, the region's grids.
   */
  async gridAnalysis(ctx: AuthContext, q: GridAnalysisQuery): Promise<GridAnalysisReply> {
    const r = await this.regionOf(ctx, q.region);
    this.checkMonth(q.month);
    const last = addMonths(q.month, -1);
    const [months, candidates, byCategory, grids] = await Promise.all([
      this.repo.gridMonthRows(r.prefix, q.month, last),
      this.repo.gridCandidates(r.prefix, q.month, MIN_COUNT),
      this.repo.categoryMonths(r.rollup <= 1 ? r.rollup : 3, r.prefix, [q.month, last]),
      this.gridsUnder(r.prefix),
    ]);
    const analysis = analyseGrids({
      categories: RISK_CATEGORIES,
      months,
      candidates,
      grids,
      limit: q.limit ?? GRID_ROWS_DEFAULT,
    });
    const change: GridAnalysisReply['change'] = {};
    for (const cat of RISK_CATEGORIES) change[cat] = { now: 0, before: 0 };
    for (const x of byCategory) {
      const entry = change[x.category];
      if (!entry) continue;
      if (x.month === q.month) entry.now += Number(x.n);
      else entry.before += Number(x.n);
    }
    return {
      region: { code: r.code, name: r.name, level: r.level },
      month: q.month,
      categories: [...RISK_CATEGORIES],
      ...analysis,
      change,
    };
  }

  /** One grid's card: 12 months per category, its open incidents, the month's rates. */
  async gridCard(ctx: AuthContext, code: string, month: string): Promise<GridCardReply> {
    const r = await this.regionOf(ctx, code, 'params.code');
    if (r.level !== 'grid') throw new HttpError(400, ErrorCode.RequestInvalid, `params.code: ${code} is not a grid`);
    this.checkMonth(month);
    const months = Array.from({ length: 12 }, (_, i) => addMonths(month, i - 11));
    const [rows, open, sums, overdue] = await Promise.all([
      this.repo.gridMonths(r.code, months),
      this.repo.openCount(r.code),
      this.counters(r, { firstDay: monthFirstDay(month), lastDay: monthLastDay(month) }, 'none'),
      this.overdue(r, { firstDay: monthFirstDay(month), lastDay: monthLastDay(month) }, 'none'),
    ]);
    const series: Record<string, number[]> = {};
    for (const x of rows) {
      const s = (series[x.category] ??= months.map(() => 0));
      s[months.indexOf(x.month)]! += Number(x.n);
    }
    for (const [k, s] of Object.entries(series)) if (s.every((n) => n === 0)) delete series[k];
    return {
      grid: r.code,
      name: r.name,
      months,
      series,
      open,
      rates: figuresOf(sums.get('') ?? zeroCounters(), overdue.get('') ?? 0).rates,
    };
  }

  /** The grid layer's fill: one value per grid of the region. */
  async gridMeasure(ctx: AuthContext, q: GridMeasureQuery): Promise<GridMeasureReply> {
    const r = await this.regionOf(ctx, q.region);
    const values: Record<string, number> = {};
    if (q.measure === 'open') {
      for (const x of await this.repo.openByGrid(r.prefix)) values[x.grid] = Number(x.n);
    } else {
      this.checkMonth(q.month!);
      if (q.measure === 'closure') {
        const acc = new Map<string, { n: number; closed: number }>();
        for (const x of await this.repo.gridMonths(r.prefix, [q.month!])) {
          const a = acc.get(x.grid) ?? { n: 0, closed: 0 };
          a.n += Number(x.n);
          a.closed += Number(x.closed);
          acc.set(x.grid, a);
        }
        for (const [g, a] of acc) {
          const p = pct(a.closed, a.n);
          if (p !== null) values[g] = p;
        }
      } else {
        const index = q.measure === 'category' ? RISK_CATEGORIES.indexOf(q.category!) + 1 : null;
        for (const x of await this.repo.gridMonthValues(r.prefix, q.month!, index)) values[x.grid] = Number(x.n);
      }
    }
    const max = Object.values(values).reduce((m, v) => Math.max(m, v), 0);
    return { measure: q.measure, values, max: q.measure === 'closure' ? 100 : max };
  }

  /** Incident points of the window for the heat layer, as minutes from the window's start. */
  async heat(ctx: AuthContext, q: StatsWindowQuery): Promise<HeatReply> {
    const r = await this.regionOf(ctx, q.region);
    const now = this.now();
    const { window } = windowsOf(q, now);
    const w = resolved(window, now);
    const origin = new Date(w.from);
    const points = await this.repo.heatPoints(r.prefix, origin, new Date(w.to), HEAT_LIMIT);
    const lon: number[] = [];
    const lat: number[] = [];
    const t: number[] = [];
    const priority: number[] = [];
    // Newest first from the database (a window over the limit keeps its latest points); oldest first here.
    for (const p of points.reverse()) {
      lon.push(p.lon);
      lat.push(p.lat);
      t.push(Math.round((new Date(p.at).getTime() - origin.getTime()) / 60_000));
      priority.push(Number(p.priority));
    }
    return { window: w, origin: origin.toISOString(), lon, lat, t, priority };
  }

  /** A month after the current one is refused (there is nothing to count yet). */
  private checkMonth(month: string): void {
    if (month > monthOf(localDay(this.now())))
      throw new HttpError(400, ErrorCode.RequestInvalid, `query.month: ${month} has not begun yet`);
  }
}

function labelOf(by: BreakdownQuery['by'], key: string, names: ReadonlyMap<string, string>): string {
  if (by === 'region') return names.get(key) ?? key;
  if (by === 'category') return CATEGORIES[key as RiskCategory]?.zh ?? key;
  return key;
}
