/**
 * The coverage map (issue 17): for every grid and every need (shared/coverage.ts), the nearest
 * available unit by the dispatch ETA model and its minutes, kept current one unit change at a time.
 *
 * A change of one unit touches only what it can change. For each grid of the unit's need:
 * - a grid whose best unit is this one is recomputed over the need's available units (the unit
 *   may have moved away or become busy);
 * - any other grid compares its best with this unit's new time, one distance.
 * So a move costs one pass over the grids plus the grids it held × the need's units: ~10k
 * distances in the demo city, where a naive recompute is every grid × every unit (5.7 M).
 * Ties are broken by (minutes, metres, unit id) everywhere, so the result is the same as a full
 * recompute whatever the order of the changes (tests/unit/coverage.test.ts checks it).
 *
 * Gaps: a grid whose best minutes exceed its threshold for a need (thresholds per grid, set by
 * the rule, its priority areas and any tighter event perimeter). The map records which grids
 * changed gap state since the caller last drained them. Pure: no clock, no I/O.
 */
import { COVERAGE_NEEDS, needOfUnitKind, type CoverageNeed } from '@shared/coverage';
import { etaMinutes } from '@shared/eta';
import { distanceLonLatM } from '@shared/geo';

export interface CoverageGrid {
  code: string;
  lon: number;
  lat: number;
}
export interface CoverageUnit {
  id: string;
  kind: string;
  lon: number;
  lat: number;
  available: boolean;
}
export interface GapChange {
  grid: number;
  need: CoverageNeed;
  gap: boolean;
}

interface Slot {
  id: string;
  kind: string;
  need: number;
  lon: number;
  lat: number;
  available: boolean;
}

const NONE = -1;

class NeedState {
  readonly eta: Float64Array;
  readonly dist: Float64Array;
  readonly owner: Int32Array;
  /** Minutes over which a grid is a gap (Infinity: not checked). */
  readonly threshold: Float64Array;
  readonly gap: Uint8Array;
  /** Slots of units that answer this need (available or not). */
  readonly slots: number[] = [];

  constructor(n: number) {
    this.eta = new Float64Array(n).fill(Infinity);
    this.dist = new Float64Array(n).fill(Infinity);
    this.owner = new Int32Array(n).fill(NONE);
    this.threshold = new Float64Array(n).fill(Infinity);
    this.gap = new Uint8Array(n);
  }
}

export class CoverageMap {
  readonly grids: readonly CoverageGrid[];
  private readonly lon: Float64Array;
  private readonly lat: Float64Array;
  private readonly byCode = new Map<string, number>();
  private readonly needs: NeedState[];
  private readonly slots: Slot[] = [];
  private readonly slotOf = new Map<string, number>();
  /** Gap flips since the last drain: key grid × needs + need → the new state. */
  private readonly flips = new Map<number, boolean>();

  constructor(grids: readonly CoverageGrid[]) {
    this.grids = grids;
    this.lon = Float64Array.from(grids, (g) => g.lon);
    this.lat = Float64Array.from(grids, (g) => g.lat);
    grids.forEach((g, i) => this.byCode.set(g.code, i));
    this.needs = COVERAGE_NEEDS.map(() => new NeedState(grids.length));
  }

  indexOf(code: string): number | undefined {
    return this.byCode.get(code);
  }

  /** The best minutes and unit of a need at a grid (Infinity and null: no available unit). */
  best(grid: number, need: CoverageNeed): { etaMin: number; unitId: string | null; distanceM: number } {
    const s = this.needs[COVERAGE_NEEDS.indexOf(need)]!;
    const o = s.owner[grid]!;
    return { etaMin: s.eta[grid]!, unitId: o === NONE ? null : this.slots[o]!.id, distanceM: s.dist[grid]! };
  }

  /** Minutes per grid for a need (a view: do not write). */
  etas(need: CoverageNeed): Float64Array {
    return this.needs[COVERAGE_NEEDS.indexOf(need)]!.eta;
  }

  isGap(grid: number, need: CoverageNeed): boolean {
    return this.needs[COVERAGE_NEEDS.indexOf(need)]!.gap[grid] === 1;
  }

  threshold(grid: number, need: CoverageNeed): number {
    return this.needs[COVERAGE_NEEDS.indexOf(need)]!.threshold[grid]!;
  }

  /** Every open gap now. */
  *gaps(): Generator<{ grid: number; need: CoverageNeed }> {
    for (let n = 0; n < this.needs.length; n++) {
      const gap = this.needs[n]!.gap;
      for (let g = 0; g < gap.length; g++) if (gap[g]) yield { grid: g, need: COVERAGE_NEEDS[n]! };
    }
  }

  /** Set every grid's threshold of a need (minutes; undefined or Infinity: not checked). */
  setThresholds(need: CoverageNeed, minutes: (grid: number) => number | undefined): void {
    const s = this.needs[COVERAGE_NEEDS.indexOf(need)]!;
    for (let g = 0; g < this.grids.length; g++) s.threshold[g] = minutes(g) ?? Infinity;
    for (let g = 0; g < this.grids.length; g++) this.check(s, COVERAGE_NEEDS.indexOf(need), g);
  }

  /** Apply one unit's current state (new, moved, status changed). Units of no need are ignored. */
  update(u: CoverageUnit): void {
    const n = needOfUnitKind(u.kind);
    if (n === undefined) return;
    const need = COVERAGE_NEEDS.indexOf(n);
    let slot = this.slotOf.get(u.id);
    if (slot === undefined) {
      slot = this.slots.length;
      this.slots.push({ id: u.id, kind: u.kind, need, lon: u.lon, lat: u.lat, available: false });
      this.slotOf.set(u.id, slot);
      this.needs[need]!.slots.push(slot);
    }
    const s = this.slots[slot]!;
    if (s.lon === u.lon && s.lat === u.lat && s.available === u.available) return;
    s.lon = u.lon;
    s.lat = u.lat;
    s.available = u.available;
    const st = this.needs[need]!;
    for (let g = 0; g < this.grids.length; g++) {
      if (st.owner[g] === slot) this.recompute(st, g);
      else if (s.available) this.offer(st, g, slot);
      else continue;
      this.check(st, need, g);
    }
  }

  /** A unit that no longer exists (or no longer counts): as if it were unavailable. */
  remove(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    const s = this.slots[slot]!;
    this.update({ id, kind: s.kind, lon: s.lon, lat: s.lat, available: false });
  }

  /** Recompute everything from the units held: what a naive engine does on every change. */
  recomputeAll(): void {
    for (let n = 0; n < this.needs.length; n++) {
      const st = this.needs[n]!;
      for (let g = 0; g < this.grids.length; g++) {
        this.recompute(st, g);
        this.check(st, n, g);
      }
    }
  }

  /** The grids that changed gap state since the last call (a flip and back cancels out). */
  drainFlips(): GapChange[] {
    const out: GapChange[] = [];
    const k = this.needs.length;
    for (const [key, gap] of this.flips) out.push({ grid: Math.floor(key / k), need: COVERAGE_NEEDS[key % k]!, gap });
    this.flips.clear();
    return out;
  }

  private recompute(st: NeedState, g: number): void {
    st.eta[g] = Infinity;
    st.dist[g] = Infinity;
    st.owner[g] = NONE;
    for (const slot of st.slots) if (this.slots[slot]!.available) this.offer(st, g, slot);
  }

  /** Take this unit as the grid's best if it is better by (minutes, metres, id). */
  private offer(st: NeedState, g: number, slot: number): void {
    const u = this.slots[slot]!;
    const d = distanceLonLatM(this.lon[g]!, this.lat[g]!, u.lon, u.lat);
    const eta = etaMinutes(u.kind, d);
    const best = st.eta[g]!;
    if (eta > best) return;
    if (eta === best) {
      const bd = st.dist[g]!;
      if (d > bd) return;
      if (d === bd && st.owner[g] !== NONE && this.slots[st.owner[g]!]!.id <= u.id) return;
    }
    st.eta[g] = eta;
    st.dist[g] = d;
    st.owner[g] = slot;
  }

  private check(st: NeedState, need: number, g: number): void {
    const gap = st.eta[g]! > st.threshold[g]! ? 1 : 0;
    if (gap === st.gap[g]) return;
    st.gap[g] = gap;
    const key = g * this.needs.length + need;
    if (this.flips.has(key)) this.flips.delete(key);
    else this.flips.set(key, gap === 1);
  }
}
