/**
 * The monthly per-grid analysis (issue 16, 网格“微智理”), pure: from the grids' month rows
 * (counts per category in RISK_CATEGORIES' order) and the pairs that may stand out with their
 * history, the rows a leader reads, the standouts (standout.ts), the top grids per category.
 */
import type { GridAnalysisReply, GridAnalysisRow } from '@shared/stats';
import type { GridCandidate, GridMonthRow } from '@server/repositories/stats.repository';
import { HISTORY_MONTHS, standoutOf } from './standout';

/** How many grids `top` lists per category. */
export const TOP_GRIDS = 5;

const streetOf = (grid: string) => grid.slice(0, 9);

export interface GridAnalysisInput {
  categories: readonly string[];
  rows: readonly GridMonthRow[];
  /** The pairs with at least MIN_COUNT this month (StatsRepository.gridCandidates), with their history. */
  candidates: readonly GridCandidate[];
  /** Every grid of the region (those without incidents too): code → name. */
  names: ReadonlyMap<string, string>;
  limit: number;
}

export function analyseGrids(i: GridAnalysisInput): Pick<GridAnalysisReply, 'rows' | 'gridCount' | 'top'> {
  const width = i.categories.length;
  // Peers: the other grids of the street inside the region, and the street's sums per category.
  const streetGrids = new Map<string, number>();
  for (const code of i.names.keys()) streetGrids.set(streetOf(code), (streetGrids.get(streetOf(code)) ?? 0) + 1);
  const streetSums = new Map<string, Float64Array>();
  for (const r of i.rows) {
    let sums = streetSums.get(streetOf(r.grid));
    if (!sums) streetSums.set(streetOf(r.grid), (sums = new Float64Array(width)));
    for (let k = 0; k < width; k++) sums[k]! += r.counts[k]!;
  }
  const standoutsOf = new Map<string, GridAnalysisRow['standouts']>();
  for (const c of i.candidates) {
    const n = c.n;
    const street = streetOf(c.grid);
    const peers = (streetGrids.get(street) ?? 1) - 1;
    const s = standoutOf({
      count: n,
      ownMean: c.history / HISTORY_MONTHS,
      peerMean: peers > 0 ? ((streetSums.get(street)?.[c.index - 1] ?? 0) - n) / peers : null,
      hasHistory: c.historyTotal > 0,
    });
    if (s) {
      const list = standoutsOf.get(c.grid) ?? [];
      list.push({ category: i.categories[c.index - 1]!, count: n, reason: s.reason, baseline: s.baseline });
      standoutsOf.set(c.grid, list);
    }
  }
  const listed = i.rows
    .filter((r) => r.total > 0 || r.last > 0)
    .map((r) => ({ r, standouts: standoutsOf.get(r.grid)?.length ?? 0 }))
    .sort((a, b) => b.standouts - a.standouts || b.r.total - a.r.total || (a.r.grid < b.r.grid ? -1 : 1))
    .map((x) => x.r);
  const rows: GridAnalysisRow[] = listed.slice(0, i.limit).map((r) => {
    const counts: Record<string, number> = {};
    for (let k = 0; k < width; k++) if (r.counts[k]! > 0) counts[i.categories[k]!] = r.counts[k]!;
    return {
      grid: r.grid,
      name: i.names.get(r.grid) ?? r.grid,
      counts,
      total: r.total,
      lastMonthTotal: r.last,
      standouts: (standoutsOf.get(r.grid) ?? []).sort((a, b) => (a.category < b.category ? -1 : 1)),
    };
  });
  return { rows, gridCount: listed.length, top: topGrids(i) };
}

/** Per category, the TOP_GRIDS grids with the most this month (ties: the lower code first). */
function topGrids(i: GridAnalysisInput): GridAnalysisReply['top'] {
  const best: GridMonthRow[][] = i.categories.map(() => []);
  const before = (k: number, a: GridMonthRow, b: GridMonthRow) =>
    a.counts[k]! > b.counts[k]! || (a.counts[k] === b.counts[k] && a.grid < b.grid);
  for (const r of i.rows)
    for (let k = 0; k < best.length; k++) {
      if (r.counts[k]! <= 0) continue;
      const list = best[k]!;
      if (list.length === TOP_GRIDS && !before(k, r, list[TOP_GRIDS - 1]!)) continue;
      let at = list.length;
      while (at > 0 && before(k, r, list[at - 1]!)) at--;
      list.splice(at, 0, r);
      if (list.length > TOP_GRIDS) list.pop();
    }
  const top: GridAnalysisReply['top'] = {};
  best.forEach((list, k) => {
    if (list.length)
      top[i.categories[k]!] = list.map((r) => ({
        grid: r.grid,
        name: i.names.get(r.grid) ?? r.grid,
        count: r.counts[k]!,
      }));
  });
  return top;
}
