/**
 * The grids that stand out in a month (issue 16, 网格“微智理”), pure. The rule, for a grid and a
 * category with at least MIN_COUNT incidents this month:
 *
 * - own history: this month is at least OWN_FACTOR × the grid's own monthly mean over its last
 *   HISTORY_MONTHS months (months with none count as 0), and at least MIN_EXCESS more than it;
 * - peers: this month is at least PEER_FACTOR × the mean of the other grids of its street (its
 *   peers: the same street office, similar places), and at least MIN_EXCESS more than it.
 *
 * A grid with no history (new) is compared with its peers only. The minimum count keeps one-off
 * incidents in quiet grids from standing out.
 */
export const MIN_COUNT = 3;
export const MIN_EXCESS = 2;
export const OWN_FACTOR = 2;
export const PEER_FACTOR = 3;
export const HISTORY_MONTHS = 6;

export interface StandoutInput {
  count: number;
  /** The grid's counts in the category for its last HISTORY_MONTHS months (missing months: 0). */
  history: readonly number[];
  /** The other grids of the street: their counts in the category this month (grids with none: 0). */
  peers: readonly number[];
  /** Whether the grid has any history at all (any incident in any category before this month). */
  hasHistory: boolean;
}

export type Standout = { reason: 'own-history' | 'peers'; baseline: number } | null;

const round1 = (x: number) => Math.round(x * 10) / 10;

export function standoutOf(i: StandoutInput): Standout {
  if (i.count < MIN_COUNT) return null;
  if (i.hasHistory) {
    const own = i.history.reduce((s, x) => s + x, 0) / HISTORY_MONTHS;
    if (i.count >= OWN_FACTOR * own && i.count - own >= MIN_EXCESS)
      return { reason: 'own-history', baseline: round1(own) };
  }
  if (i.peers.length > 0) {
    const peer = i.peers.reduce((s, x) => s + x, 0) / i.peers.length;
    if (i.count >= PEER_FACTOR * peer && i.count - peer >= MIN_EXCESS)
      return { reason: 'peers', baseline: round1(peer) };
  }
  return null;
}
