/**
 * The tiling the whole region tree is built from: a warped, jittered quad lattice.
 *
 * Why a lattice: grids must tile the city with no gap and no overlap, and every upper region must
 * be the exact union of its grids. If every grid is one lattice cell and neighbouring cells share
 * the very same vertex objects, both properties hold by construction, and unions can be traced
 * from shared edges alone (see trace.ts).
 *
 * - Warp: a radial stretch R = a·ρ·(1 + β·ρ) of the integer lattice makes cells ~a metres across
 *   downtown and k times larger at the outline, like real grids (dense downtown, large rural ones).
 * - Jitter: each shared vertex is moved, never a cell on its own, so neighbours keep common edges.
 *   Cells are kept strictly convex (jitter is undone where it would not be), so any bilinear
 *   point of a cell with u, v in (0, 1) is strictly inside it.
 * - Outline: cells whose centroid falls inside a wobbly ellipse are kept (whole cells only), then
 *   the largest edge-connected piece is taken and enclosed holes are filled.
 */
import { LocalFrame } from './geo';
import { round6 } from '@shared/geo';
import type { Rng } from './random';

export interface LatticeParams {
  /** Frame origin: the densest point of the city. */
  center: readonly [number, number];
  /** Outline ellipse semi-axes in metres, east-west then north-south. */
  semiAxesM: readonly [number, number];
  /** Relative amplitude of the outline's wobble (0 = a clean ellipse). */
  outlineWobble: number;
  /** Wanted number of cells (grids); the centre cell size is calibrated to reach it. */
  targetCells: number;
  /** Cell size at the outline divided by cell size downtown. */
  edgeToCentreSize: number;
  /** Vertex jitter as a fraction of the local lattice spacing. */
  jitter: number;
}

export interface Lattice {
  frame: LocalFrame;
  /** Number of city cells (= grids). City cells are numbered north to south, west to east. */
  n: number;
  /** Every lattice vertex, lon/lat rounded to 1e-6. */
  vLon: Float64Array;
  vLat: Float64Array;
  /** 4 vertex ids per city cell, counter-clockwise (SW, SE, NE, NW of the unwarped lattice). */
  corners: Int32Array;
  /** 4 per cell: the city cell across edge k (corner k -> corner k+1), or -1 outside the city. */
  nbr: Int32Array;
  /** Cell centroids: metres in the frame, and lon/lat (rounded). */
  cx: Float64Array;
  cy: Float64Array;
  clon: Float64Array;
  clat: Float64Array;
  /** Centroid distance from the frame origin, metres. */
  r: Float64Array;
  /** Outline radius function, metres, for a bearing angle in radians (math convention). */
  outlineRadius: (theta: number) => number;
}

interface Warp {
  a: number;
  beta: number;
  cos: number;
  sin: number;
  half: number; // lattice spans integer coordinates -half..half
}

function makeOutline(p: LatticeParams, rng: Rng): (theta: number) => number {
  const [ax, ay] = p.semiAxesM;
  const harmonics: { k: number; amp: number; phase: number }[] = [];
  for (let k = 2; k <= 6; k++) {
    harmonics.push({
      k,
      amp: (p.outlineWobble * rng.float(0.4, 1)) / Math.sqrt(k - 1),
      phase: rng.float(0, 2 * Math.PI),
    });
  }
  return (theta: number) => {
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    const base = 1 / Math.sqrt((c * c) / (ax * ax) + (s * s) / (ay * ay));
    let f = 1;
    for (const h of harmonics) f += h.amp * Math.sin(h.k * theta + h.phase);
    return base * f;
  };
}

function makeWarp(a: number, p: LatticeParams, rot: number): Warp {
  const rMean = Math.sqrt(p.semiAxesM[0] * p.semiAxesM[1]);
  const k = p.edgeToCentreSize;
  const rhoMean = (2 * rMean) / (a * (k + 1));
  const beta = (k - 1) / (2 * rhoMean);
  // Outline can reach ~1.5 x the larger semi-axis with wobble; cover it with margin.
  const rMax = Math.max(p.semiAxesM[0], p.semiAxesM[1]) * (1 + 2 * p.outlineWobble) * 1.15;
  const rhoMax = beta > 0 ? (-1 + Math.sqrt(1 + (4 * beta * rMax) / a)) / (2 * beta) : rMax / a;
  return { a, beta, cos: Math.cos(rot), sin: Math.sin(rot), half: Math.ceil(rhoMax) + 2 };
}

/** Unjittered position (metres) of the lattice point with (possibly fractional) coordinates i, j. */
function warpPoint(w: Warp, i: number, j: number): [number, number] {
  const px = i * w.cos - j * w.sin;
  const py = i * w.sin + j * w.cos;
  const rho = Math.hypot(px, py);
  const s = w.a * (1 + w.beta * rho);
  return [px * s, py * s];
}

function countInside(w: Warp, outline: (t: number) => number): number {
  let count = 0;
  for (let j = -w.half; j < w.half; j++) {
    for (let i = -w.half; i < w.half; i++) {
      const [x, y] = warpPoint(w, i + 0.5, j + 0.5);
      if (Math.hypot(x, y) < outline(Math.atan2(y, x))) count++;
    }
  }
  return count;
}

export function buildLattice(p: LatticeParams, rng: Rng): Lattice {
  const frame = new LocalFrame(p.center[0], p.center[1]);
  const outline = makeOutline(p, rng);
  const rot = rng.float(-0.15, 0.15);

  // Calibrate the downtown cell size so the outline holds about targetCells cells.
  let lo = 10;
  let hi = 5000;
  for (let it = 0; it < 40; it++) {
    const mid = Math.sqrt(lo * hi);
    const count = countInside(makeWarp(mid, p, rot), outline);
    if (Math.abs(count - p.targetCells) <= p.targetCells * 0.002) {
      lo = hi = mid;
      break;
    }
    if (count > p.targetCells) lo = mid;
    else hi = mid;
  }
  const w = makeWarp(Math.sqrt(lo * hi), p, rot);

  const side = 2 * w.half + 1; // vertices per row
  const nv = side * side;
  const vid = (i: number, j: number) => (j + w.half) * side + (i + w.half);
  const bx = new Float64Array(nv);
  const by = new Float64Array(nv);
  const jx = new Float64Array(nv);
  const jy = new Float64Array(nv);
  for (let j = -w.half; j <= w.half; j++) {
    for (let i = -w.half; i <= w.half; i++) {
      const v = vid(i, j);
      const [x, y] = warpPoint(w, i, j);
      bx[v] = x;
      by[v] = y;
      // Tangential spacing a(1+βρ) is the smaller of the two, so jitter is bounded by it.
      const spacing = w.a * (1 + w.beta * Math.hypot(i, j));
      jx[v] = p.jitter * spacing * (2 * rng.next() - 1);
      jy[v] = p.jitter * spacing * (2 * rng.next() - 1);
    }
  }
  const vLon = new Float64Array(nv);
  const vLat = new Float64Array(nv);
  const place = (v: number) => {
    vLon[v] = round6(frame.lon(bx[v]! + jx[v]!));
    vLat[v] = round6(frame.lat(by[v]! + jy[v]!));
  };
  for (let v = 0; v < nv; v++) place(v);

  const cellsPerRow = 2 * w.half;
  const nLatticeCells = cellsPerRow * cellsPerRow;
  const cellCorners = (c: number): [number, number, number, number] => {
    const i = (c % cellsPerRow) - w.half;
    const j = Math.floor(c / cellsPerRow) - w.half;
    return [vid(i, j), vid(i + 1, j), vid(i + 1, j + 1), vid(i, j + 1)];
  };

  // Strict convexity with a margin (no corner flatter than ~170°), checked on the rounded
  // degrees actually emitted. Where it fails, the cell's corners lose their jitter.
  const cosLat = Math.cos((p.center[1] * Math.PI) / 180);
  const convex = (c: number): boolean => {
    const q = cellCorners(c);
    for (let k = 0; k < 4; k++) {
      const a = q[k]!;
      const b = q[(k + 1) % 4]!;
      const d = q[(k + 2) % 4]!;
      const e1x = (vLon[b]! - vLon[a]!) * cosLat;
      const e1y = vLat[b]! - vLat[a]!;
      const e2x = (vLon[d]! - vLon[b]!) * cosLat;
      const e2y = vLat[d]! - vLat[b]!;
      const cross = e1x * e2y - e1y * e2x;
      if (!(cross > 0.17 * Math.hypot(e1x, e1y) * Math.hypot(e2x, e2y))) return false;
    }
    return true;
  };
  for (let pass = 0; ; pass++) {
    const bad: number[] = [];
    for (let c = 0; c < nLatticeCells; c++) if (!convex(c)) bad.push(c);
    if (bad.length === 0) break;
    if (pass > 20) throw new Error(`lattice: ${bad.length} cells stay non-convex`);
    for (const c of bad) {
      for (const v of cellCorners(c)) {
        jx[v] = 0;
        jy[v] = 0;
        place(v);
      }
    }
  }

  // Keep cells whose centroid is inside the outline.
  const keep = new Uint8Array(nLatticeCells);
  const centroidXY = (c: number): [number, number] => {
    let x = 0;
    let y = 0;
    for (const v of cellCorners(c)) {
      x += bx[v]! + jx[v]!;
      y += by[v]! + jy[v]!;
    }
    return [x / 4, y / 4];
  };
  for (let c = 0; c < nLatticeCells; c++) {
    const [x, y] = centroidXY(c);
    if (Math.hypot(x, y) < outline(Math.atan2(y, x))) keep[c] = 1;
  }
  const latticeNbr = (c: number, k: number): number => {
    const i = c % cellsPerRow;
    const j = Math.floor(c / cellsPerRow);
    // Edge k joins corner k to corner k+1: 0 south, 1 east, 2 north, 3 west.
    const ni = k === 1 ? i + 1 : k === 3 ? i - 1 : i;
    const nj = k === 0 ? j - 1 : k === 2 ? j + 1 : j;
    if (ni < 0 || nj < 0 || ni >= cellsPerRow || nj >= cellsPerRow) return -1;
    return nj * cellsPerRow + ni;
  };
  // Largest edge-connected component: a region must be reachable cell to cell.
  const comp = new Int32Array(nLatticeCells).fill(-1);
  let bestComp = -1;
  let bestSize = 0;
  for (let s = 0, nComp = 0; s < nLatticeCells; s++) {
    if (!keep[s] || comp[s] !== -1) continue;
    const stack = [s];
    comp[s] = nComp;
    let size = 0;
    while (stack.length) {
      const c = stack.pop()!;
      size++;
      for (let k = 0; k < 4; k++) {
        const m = latticeNbr(c, k);
        if (m >= 0 && keep[m] && comp[m] === -1) {
          comp[m] = nComp;
          stack.push(m);
        }
      }
    }
    if (size > bestSize) {
      bestSize = size;
      bestComp = nComp;
    }
    nComp++;
  }
  for (let c = 0; c < nLatticeCells; c++) keep[c] = comp[c] === bestComp ? 1 : 0;
  // Fill holes: dropped cells the lattice border cannot reach through dropped cells.
  const outside = new Uint8Array(nLatticeCells);
  const stack: number[] = [];
  for (let c = 0; c < nLatticeCells; c++) {
    const i = c % cellsPerRow;
    const j = Math.floor(c / cellsPerRow);
    if ((i === 0 || j === 0 || i === cellsPerRow - 1 || j === cellsPerRow - 1) && !keep[c]) {
      outside[c] = 1;
      stack.push(c);
    }
  }
  while (stack.length) {
    const c = stack.pop()!;
    for (let k = 0; k < 4; k++) {
      const m = latticeNbr(c, k);
      if (m >= 0 && !keep[m] && !outside[m]) {
        outside[m] = 1;
        stack.push(m);
      }
    }
  }
  for (let c = 0; c < nLatticeCells; c++) if (!outside[c]) keep[c] = 1;

  // Number city cells north to south, west to east.
  const cityIndex = new Int32Array(nLatticeCells).fill(-1);
  const order: number[] = [];
  for (let j = cellsPerRow - 1; j >= 0; j--) {
    for (let i = 0; i < cellsPerRow; i++) {
      const c = j * cellsPerRow + i;
      if (keep[c]) {
        cityIndex[c] = order.length;
        order.push(c);
      }
    }
  }
  const n = order.length;
  const corners = new Int32Array(4 * n);
  const nbr = new Int32Array(4 * n);
  const cx = new Float64Array(n);
  const cy = new Float64Array(n);
  const clon = new Float64Array(n);
  const clat = new Float64Array(n);
  const r = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const c = order[t]!;
    const q = cellCorners(c);
    let lon = 0;
    let lat = 0;
    for (let k = 0; k < 4; k++) {
      corners[4 * t + k] = q[k]!;
      const m = latticeNbr(c, k);
      nbr[4 * t + k] = m >= 0 ? cityIndex[m]! : -1;
      lon += vLon[q[k]!]!;
      lat += vLat[q[k]!]!;
    }
    const [x, y] = centroidXY(c);
    cx[t] = x;
    cy[t] = y;
    r[t] = Math.hypot(x, y);
    clon[t] = round6(lon / 4);
    clat[t] = round6(lat / 4);
  }
  return { frame, n, vLon, vLat, corners, nbr, cx, cy, clon, clat, r, outlineRadius: outline };
}

/**
 * Bilinear point of cell `cell` at (u, v) in [0, 1]²: u runs along the SW->SE edge, v along
 * SW->NW. For a convex cell and u, v strictly inside (0, 1) the point is strictly inside.
 */
export function cellPoint(lat: Lattice, cell: number, u: number, v: number): [number, number] {
  const b = 4 * cell;
  const p0 = lat.corners[b]!;
  const p1 = lat.corners[b + 1]!;
  const p2 = lat.corners[b + 2]!;
  const p3 = lat.corners[b + 3]!;
  const w0 = (1 - u) * (1 - v);
  const w1 = u * (1 - v);
  const w2 = u * v;
  const w3 = (1 - u) * v;
  return [
    round6(w0 * lat.vLon[p0]! + w1 * lat.vLon[p1]! + w2 * lat.vLon[p2]! + w3 * lat.vLon[p3]!),
    round6(w0 * lat.vLat[p0]! + w1 * lat.vLat[p1]! + w2 * lat.vLat[p2]! + w3 * lat.vLat[p3]!),
  ];
}

/** A random point well inside a cell (5 % margin from every edge). */
export function randomCellPoint(lat: Lattice, cell: number, rng: Rng, margin = 0.05): [number, number] {
  return cellPoint(lat, cell, rng.float(margin, 1 - margin), rng.float(margin, 1 - margin));
}
