/**
 * The monthly per-grid analysis (网格“微智理”) shaped for its tables: grids by total, the standouts
 * by category, the change per category against last month, and the grid card's sparklines. Pure,
 * unit-tested (tests/unit/analysis-grids.test.ts); every count is the hub's.
 */
import type { GridAnalysisReply, GridAnalysisRow, GridCardReply } from '@shared/stats';

export type Standout = GridAnalysisRow['standouts'][number];

export interface GridTableRow {
  grid: string;
  name: string;
  total: number;
  lastMonthTotal: number;
  change: number;
  counts: Readonly<Record<string, number>>;
  /** Category → why it stands out (absent: it does not). */
  standouts: ReadonlyMap<string, Standout>;
}

/** One row per grid, most incidents first (then by code, so the order is stable). */
export function gridTableRows(reply: GridAnalysisReply): GridTableRow[] {
  return reply.rows
    .map((r) => ({
      grid: r.grid,
      name: r.name,
      total: r.total,
      lastMonthTotal: r.lastMonthTotal,
      change: r.total - r.lastMonthTotal,
      counts: r.counts,
      standouts: new Map(r.standouts.map((s) => [s.category, s])),
    }))
    .sort((a, b) => b.total - a.total || a.grid.localeCompare(b.grid));
}

export interface StandoutItem extends Standout {
  grid: string;
  name: string;
  /** count / baseline (Infinity when the baseline is 0). */
  ratio: number;
}

/** Every standout of the month, the most out of line first. */
export function standoutList(reply: GridAnalysisReply): StandoutItem[] {
  return reply.rows
    .flatMap((r) =>
      r.standouts.map((s) => ({
        ...s,
        grid: r.grid,
        name: r.name,
        ratio: s.baseline > 0 ? s.count / s.baseline : Number.POSITIVE_INFINITY,
      })),
    )
    .sort((a, b) => b.ratio - a.ratio || b.count - a.count || a.grid.localeCompare(b.grid));
}

export interface CategoryChange {
  category: string;
  now: number;
  before: number;
  delta: number;
}

/** Per category, this month against the last, in the reply's category order; categories with neither left out. */
export function categoryChanges(reply: GridAnalysisReply): CategoryChange[] {
  return reply.categories.flatMap((category) => {
    const c = reply.change[category];
    if (!c || (c.now === 0 && c.before === 0)) return [];
    return [{ category, now: c.now, before: c.before, delta: c.now - c.before }];
  });
}

/** Categories with any count this month or last, in the reply's order (the table's and chart's columns). */
export function activeCategories(reply: GridAnalysisReply): string[] {
  return reply.categories.filter((c) => {
    const ch = reply.change[c];
    return (ch && (ch.now > 0 || ch.before > 0)) || reply.rows.some((r) => (r.counts[c] ?? 0) > 0);
  });
}

export interface Sparkline {
  category: string;
  values: number[];
  total: number;
  /** The last month's count (the chosen month). */
  last: number;
  /** SVG polyline points in a `width` × `height` box (the top is the series' maximum). */
  points: string;
  /** Where the last point lies, for its dot. */
  end: { x: number; y: number };
}

/** The grid card's sparklines: one per category that occurred, the busiest first. */
export function sparklines(card: GridCardReply, width = 120, height = 28): Sparkline[] {
  return Object.entries(card.series)
    .map(([category, values]) => {
      const max = Math.max(1, ...values);
      const step = values.length > 1 ? width / (values.length - 1) : 0;
      const xy = values.map((v, i) => ({ x: round(i * step), y: round(height - (v / max) * (height - 2) - 1) }));
      const points = xy.map((p) => `${p.x},${p.y}`).join(' ');
      return {
        category,
        values,
        total: values.reduce((s, v) => s + v, 0),
        last: values[values.length - 1] ?? 0,
        points,
        end: xy[xy.length - 1] ?? { x: 0, y: height - 1 },
      };
    })
    .filter((s) => s.total > 0)
    .sort((a, b) => b.total - a.total || a.category.localeCompare(b.category));
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
