/**
 * Splitting a set of cells into contiguous regions, on the cell adjacency graph (shared edges).
 *
 * Every region grows outward from a seed cell through cells adjacent to what it already holds,
 * so every region is edge-connected, and the parent's cells are shared out completely.
 */
import type { Lattice } from './lattice';
import { MinHeap } from './heap';
import type { Rng } from './random';

/**
 * Districts: a multiplicatively weighted geodesic Voronoi diagram (multi-source Dijkstra where a
 * path of length L costs L / weight for district d). Heavier districts reach further, which
 * lets the old-town districts stay small while suburban ones sprawl. `allowed(d, cell)` keeps a
 * district on its own bank of the river; cells no district may claim go to whichever neighbour
 * reaches them first in a second, unconstrained pass.
 */
export function growWeighted(
  lat: Lattice,
  seeds: readonly number[],
  weights: readonly number[],
  allowed: (d: number, cell: number) => boolean,
): Int32Array {
  const owner = new Int32Array(lat.n).fill(-1);
  const cost = new Float64Array(lat.n).fill(Infinity);
  const candOwner = new Int32Array(lat.n).fill(-1);
  const run = (constrained: boolean) => {
    const heap = new MinHeap();
    const push = (cell: number, d: number, c: number) => {
      if (c < cost[cell]!) {
        cost[cell] = c;
        candOwner[cell] = d;
        heap.push(c, cell);
      }
    };
    if (constrained) {
      seeds.forEach((s, d) => push(s, d, 0));
    } else {
      cost.fill(Infinity);
      for (let c = 0; c < lat.n; c++) if (owner[c]! >= 0) heap.push(0, c);
    }
    while (heap.size) {
      const cell = heap.pop();
      const c0 = heap.lastKey;
      if (constrained) {
        if (owner[cell]! >= 0 || c0 > cost[cell]!) continue;
        owner[cell] = candOwner[cell]!;
      } else if (owner[cell]! < 0) {
        if (c0 > cost[cell]!) continue;
        owner[cell] = candOwner[cell]!;
      }
      const d = owner[cell]!;
      for (let k = 0; k < 4; k++) {
        const m = lat.nbr[4 * cell + k]!;
        if (m < 0 || owner[m]! >= 0) continue;
        if (constrained && !allowed(d, m)) continue;
        const len = Math.hypot(lat.cx[m]! - lat.cx[cell]!, lat.cy[m]! - lat.cy[cell]!);
        push(m, d, c0 + len / weights[d]!);
      }
    }
  };
  run(true);
  run(false);
  return owner;
}

/**
 * Split `cells` (a connected set) into `k` contiguous children of nearly equal cell counts.
 * Seeds: farthest-point sampling in hop distance, so seeds spread evenly in *cell count*
 * (dense downtown areas get more seeds per km², as real streets and communities do).
 * Growth: the child that is currently smallest relative to its target takes the next cell of its
 * breadth-first frontier. Targets vary by ±25 % so sizes are not all identical.
 */
export function splitBalanced(
  lat: Lattice,
  cells: readonly number[],
  k: number,
  rng: Rng,
  scratch: Int32Array,
): number[][] {
  const n = cells.length;
  k = Math.max(1, Math.min(k, n));
  // scratch maps a global cell to its local index while we work; -1 elsewhere (restored on exit).
  cells.forEach((c, i) => (scratch[c] = i));
  const localNbrs = (i: number, out: number[]) => {
    out.length = 0;
    const c = cells[i]!;
    for (let e = 0; e < 4; e++) {
      const m = lat.nbr[4 * c + e]!;
      if (m >= 0 && scratch[m]! >= 0) out.push(scratch[m]!);
    }
  };
  const nb: number[] = [];
  const bfs = (src: number, dist: Int32Array) => {
    dist.fill(-1);
    dist[src] = 0;
    const q = [src];
    for (let h = 0; h < q.length; h++) {
      const i = q[h]!;
      localNbrs(i, nb);
      for (const j of nb) {
        if (dist[j] === -1) {
          dist[j] = dist[i]! + 1;
          q.push(j);
        }
      }
    }
  };

  const minDist = new Int32Array(n);
  const d = new Int32Array(n);
  const argmax = (arr: Int32Array) => {
    let best = 0;
    for (let i = 1; i < n; i++) if (arr[i]! > arr[best]!) best = i;
    return best;
  };
  bfs(rng.int(0, n - 1), d);
  const seeds = [argmax(d)];
  bfs(seeds[0]!, minDist);
  while (seeds.length < k) {
    const s = argmax(minDist);
    seeds.push(s);
    bfs(s, d);
    for (let i = 0; i < n; i++) if (d[i]! >= 0 && d[i]! < minDist[i]!) minDist[i] = d[i]!;
  }

  const owner = new Int32Array(n).fill(-1);
  const queues: number[][] = seeds.map((s) => [s]);
  const heads = new Int32Array(k);
  const sizes = new Int32Array(k);
  const targets = seeds.map(() => rng.float(0.75, 1.25));
  const heap = new MinHeap();
  for (let r = 0; r < k; r++) heap.push(0, r);
  while (heap.size) {
    const r = heap.pop();
    const q = queues[r]!;
    let cell = -1;
    while (heads[r]! < q.length) {
      const i = q[heads[r]!++]!;
      if (owner[i] === -1) {
        cell = i;
        break;
      }
    }
    if (cell < 0) continue; // boxed in: this child is done
    owner[cell] = r;
    sizes[r]!++;
    localNbrs(cell, nb);
    for (const j of nb) if (owner[j] === -1) q.push(j);
    heap.push(sizes[r]! / targets[r]!, r);
  }

  const out: number[][] = seeds.map(() => []);
  for (let i = 0; i < n; i++) out[owner[i]!]!.push(cells[i]!);
  for (const c of cells) scratch[c] = -1;
  return out;
}
