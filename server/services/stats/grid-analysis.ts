/**
 * The monthly per-grid analysis (issue 16, 网格“微智理”), pure: from the grids' month (counts per
 * category in RISK_CATEGORIES' order, column-wise) and the pairs that may stand out with their
 * history, the rows a leader reads, the standouts (standout.ts), the top grids per category.
 * Column-wise and by row index, so that a city's 10,000 grids make few objects (the request's p99
 * is mostly garbage collection otherwise).
 */
import type { GridAnalysisReply, GridAnalysisRow } from '@shared/stats';
import type { GridCandidate, GridMonths } from '@server/repositories/stats.repository';
import { HISTORY_MONTHS, standoutOf } from './standout';

/** How many grids `top` lists per category. */
export const TOP_GRIDS = 5;

const streetOf = (grid: string) => grid.slice(0, 9);

/** A region's grids (every one, those without incidents too): their names, and how many each street has. */
export interface GridList {
  names: ReadonlyMap<string, string>;
  perStreet: ReadonlyMap<string, number>;
}

export function gridListOf(grids: readonly { code: string; name: string }[]): GridList {
  const perStreet = new Map<string, number>();
  for (const g of grids) perStreet.set(streetOf(g.code), (perStreet.get(streetOf(g.code)) ?? 0) + 1);
  return { names: new Map(grids.map((g) => [g.code, g.name])), perStreet };
}

export interface GridAnalysisInput {
  categories: readonly string[];
  months: GridMonths;
  /** The pairs with at least MIN_COUNT this month (StatsRepository.gridCandidates), with their history. */
  candidates: readonly GridCandidate[];
  grids: GridList;
  limit: number;
}

export function analyseGrids(i: GridAnalysisInput): Pick<GridAnalysisReply, 'rows' | 'gridCount' | 'top'> {
  const { grids, total, last, counts, width } = i.months;
  // Peers: the other grids of the street inside the region; the street's sums per category.
  const streetSums = new Map<string, Float64Array>();
  for (let r = 0; r < grids.length; r++) {
    const street = streetOf(grids[r]!);
    let sums = streetSums.get(street);
    if (!sums) streetSums.set(street, (sums = new Float64Array(width)));
    for (let k = 0, at = r * width; k < width; k++, at++) sums[k]! += counts[at]!;
  }
  const standoutsOf = new Map<string, GridAnalysisRow['standouts']>();
  for (const c of i.candidates) {
    const street = streetOf(c.grid);
    const peers = (i.grids.perStreet.get(street) ?? 1) - 1;
    const s = standoutOf({
      count: c.n,
      ownMean: c.history / HISTORY_MONTHS,
      peerMean: peers > 0 ? ((streetSums.get(street)?.[c.index - 1] ?? 0) - c.n) / peers : null,
      hasHistory: c.historyTotal > 0,
    });
    if (s) {
      const list = standoutsOf.get(c.grid) ?? [];
      list.push({ category: i.categories[c.index - 1]!, count: c.n, reason: s.reason, baseline: s.baseline });
      standoutsOf.set(c.grid, list);
    }
  }
  const standouts = new Int32Array(grids.length);
  const listed: number[] = [];
  for (let r = 0; r < grids.length; r++) {
    if (total[r]! <= 0 && last[r]! <= 0) continue;
    standouts[r] = standoutsOf.get(grids[r]!)?.length ?? 0;
    listed.push(r);
  }
  listed.sort((a, b) => standouts[b]! - standouts[a]! || total[b]! - total[a]! || (grids[a]! < grids[b]! ? -1 : 1));
  const rows: GridAnalysisRow[] = listed.slice(0, i.limit).map((r) => {
    const own: Record<string, number> = {};
    for (let k = 0, at = r * width; k < width; k++, at++) if (counts[at]! > 0) own[i.categories[k]!] = counts[at]!;
    return {
      grid: grids[r]!,
      name: i.grids.names.get(grids[r]!) ?? grids[r]!,
      counts: own,
      total: total[r]!,
      lastMonthTotal: last[r]!,
      standouts: (standoutsOf.get(grids[r]!) ?? []).sort((a, b) => (a.category < b.category ? -1 : 1)),
    };
  });
  return { rows, gridCount: listed.length, top: topGrids(i) };
}

/** Per category, the TOP_GRIDS grids with the most this month (ties: the lower code first). */
function topGrids(i: GridAnalysisInput): GridAnalysisReply['top'] {
  const { grids, counts, width } = i.months;
  const top: GridAnalysisReply['top'] = {};
  const best: number[] = [];
  for (let k = 0; k < width; k++) {
    best.length = 0;
    const n = (r: number) => counts[r * width + k]!;
    const before = (a: number, b: number) => n(a) > n(b) || (n(a) === n(b) && grids[a]! < grids[b]!);
    for (let r = 0; r < grids.length; r++) {
      if (n(r) <= 0) continue;
      if (best.length === TOP_GRIDS && !before(r, best[TOP_GRIDS - 1]!)) continue;
      let at = best.length;
      while (at > 0 && before(r, best[at - 1]!)) at--;
      best.splice(at, 0, r);
      if (best.length > TOP_GRIDS) best.pop();
    }
    if (best.length)
      top[i.categories[k]!] = best.map((r) => ({
        grid: grids[r]!,
        name: i.grids.names.get(grids[r]!) ?? grids[r]!,
        count: n(r),
      }));
  }
  return top;
}
