/**
 * Field units moving along the demo city's roads (issue 6): pure, seeded, no I/O and no clock.
 * The same roads, units, seed and calls give the same positions on every machine.
 *
 * **The road network** (`createRoadNetwork`) is a graph built once from the basemap's road line
 * strings, in a local metric frame (metres east/north of the network's centre; see demo/geo.ts).
 * Its nodes are the roads' vertices plus every junction, and its edges straight pieces between them:
 * - the demo's roads cross mostly *between* their vertices (Chaikin-smoothed lattice lines: the
 *   nearest vertex is ~15-35 m from a crossing), so crossings are computed (segment × segment,
 *   candidates from a Flatbush R-tree) and both roads are split there;
 * - vertices within MERGE_M of each other are one node (roads that continue one another);
 * - a road's end within JOIN_M of another road (a T-junction drawn a little short or long) joins
 *   that road at its nearest point;
 * - an end joined to nothing is a dead end.
 * A second Flatbush over the edges answers "the nearest road point" (`snap`). Units keep to the
 * connected part with the most road (`main`): a few metres of road cut off by lakes carry nobody.
 *
 * **Motion** (`createUnitMotion`): each unit keeps its own state and its own random stream (forked
 * by its id, so adding a unit does not change the others' walks).
 * - *Patrol* (status available): police, patrol cars and grid workers walk or drive the roads at
 *   their patrol speed (PATROL_KMH): off the road they first go straight to the nearest road point;
 *   at a junction they pick a road at random (going straight is likelier, walkers shun
 *   motorways), at a dead end they turn back. Beyond `homeRadiusM` of the road point nearest
 *   where they started they take the shortest way back until they are well inside again. Fire, medical and department crews
 *   wait at their station (patrol speed 0).
 * - *Trip* (`goTo`): at the kind's driving speed (DRIVE_KMH, the dispatch ETAs' speeds in
 *   services/unit-index.ts) to the road, along the shortest way on the roads (A*; a greedy walk gets
 *   stuck behind lakes and the river, whose bridges are few) to the road point nearest the target,
 *   then straight to the target (at the same speed, not a jump: the dot on the map never leaps),
 *   where it *holds* until the next `goTo` or `setStatus('available')`. A target nearer than the
 *   road is reached straight.
 * - `setStatus('available')` ends a trip or a hold: patrol kinds patrol again from where they are;
 *   station kinds drive back to their station and wait there. 'busy' units move only on a trip;
 *   'offline' units never move.
 */
import Flatbush from 'flatbush';
import type { LonLat, UnitStatus } from '@shared/world';
import { LocalFrame } from '../demo/geo';
import { round6 } from '@shared/geo';
import { MinHeap } from '../demo/heap';
import { Rng } from '../demo/random';

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

/** Patrol speed while available (km/h); 0: waits where it is (at its station). */
export const PATROL_KMH: Readonly<Record<string, number>> = {
  patrol_car: 30,
  police: 5,
  grid_worker: 4,
  fire: 0,
  medical: 0,
  department: 0,
};
/** Speed on the way to a target (km/h): the dispatch ETAs' speeds (services/unit-index.ts UNIT_TRAVEL). */
export const DRIVE_KMH: Readonly<Record<string, number>> = {
  fire: 35,
  medical: 35,
  patrol_car: 30,
  police: 15,
  grid_worker: 12,
  department: 25,
};
const DEFAULT_DRIVE_KMH = 15;
/** Kinds on foot: they keep off motorways where there is another way. */
const WALKERS = new Set(['police', 'grid_worker']);

/** Points closer than this are one node (metres). */
const MERGE_M = 0.5;
/** A road's end this close to another road joins it (metres). */
const JOIN_M = 5;
/** Default patrol radius around a unit's start (metres). */
export const HOME_RADIUS_M = 2_500;
/** A unit heading home resumes its patrol once this share of the radius from home. */
const BACK_INSIDE = 0.7;
/** A station kind further than this from its station drives back when it becomes available. */
const AT_HOME_M = 5;
/** Patrols move in steps of at most this, so the home radius is checked along long straight roads. */
const PATROL_CHUNK_M = 50;
/** Safety bound on the moves one unit makes in one step (edges are metres long, not millimetres). */
const MAX_MOVES_PER_STEP = 10_000;
const EPS = 1e-9;

// ---------------------------------------------------------------------------------------------
// The road network
// ---------------------------------------------------------------------------------------------

/** A road as the basemap stores it: a LineString's coordinates and its class. */
export interface RoadInput {
  coordinates: readonly (readonly [number, number])[];
  class: string;
}

/** The nearest point on the network to a query point. */
export interface RoadPoint {
  /** On the road, [lon, lat] (not rounded). */
  position: LonLat;
  /** From the query point, metres. */
  distanceM: number;
  edge: number;
  /** Metres along the edge from its first node. */
  offsetM: number;
}

interface Foot {
  edge: number;
  off: number;
  x: number;
  y: number;
  d: number;
}

/** A way through the network: leave the current edge by `first`, then follow `edges` whole. */
export interface Route {
  first: number;
  edges: number[];
  lengthM: number;
}

const CLASS_CODE: Readonly<Record<string, number>> = { motorway: 0, primary: 1, secondary: 2 };
const MOTORWAY = 0;

export class RoadNetwork {
  constructor(
    readonly frame: LocalFrame,
    readonly nodeX: Float64Array,
    readonly nodeY: Float64Array,
    readonly edgeU: Int32Array,
    readonly edgeV: Int32Array,
    readonly edgeLen: Float64Array,
    /** 0 motorway, 1 primary, 2 secondary, 3 anything else. */
    readonly edgeClass: Uint8Array,
    /** Edges at node n: adjEdge[adjStart[n] … adjStart[n + 1]). */
    readonly adjStart: Int32Array,
    readonly adjEdge: Int32Array,
    /** Connected component of each node. */
    readonly component: Int32Array,
    /** The component with the most road (-1 without roads): units keep to it. */
    readonly main: number,
    private readonly index: Flatbush | null,
  ) {}

  get nodeCount(): number {
    return this.nodeX.length;
  }
  get edgeCount(): number {
    return this.edgeU.length;
  }

  /** The node at the other end of an edge. */
  other(edge: number, node: number): number {
    return this.edgeU[edge] === node ? this.edgeV[edge]! : this.edgeU[edge]!;
  }

  /** Edges meeting at a node. */
  degree(node: number): number {
    return this.adjStart[node + 1]! - this.adjStart[node]!;
  }

  /** The nearest road point to p, or null when there are no roads. */
  snap(p: LonLat): RoadPoint | null {
    const f = this.snapXY(this.frame.x(p[0]), this.frame.y(p[1]));
    return f && { position: [this.frame.lon(f.x), this.frame.lat(f.y)], distanceM: f.d, edge: f.edge, offsetM: f.off };
  }

  /** Metres from p to the nearest road (Infinity with no roads). */
  distanceToRoadM(p: LonLat): number {
    return this.snap(p)?.distanceM ?? Infinity;
  }

  /** Point at `off` metres along an edge from its first node, metres. */
  pointAt(edge: number, off: number): [number, number] {
    const u = this.edgeU[edge]!;
    const v = this.edgeV[edge]!;
    const len = this.edgeLen[edge]!;
    const t = len > 0 ? Math.min(1, Math.max(0, off / len)) : 0;
    return [this.nodeX[u]! + (this.nodeX[v]! - this.nodeX[u]!) * t, this.nodeY[u]! + (this.nodeY[v]! - this.nodeY[u]!) * t];
  }

  /** The nearest point (metres) on an edge of the network (of one component, when given). */
  snapXY(x: number, y: number, component = -1): Foot | null {
    const index = this.index;
    if (!index) return null;
    // Grow a search box until the best exact distance fits inside it: an edge closer than r has
    // its bounding box within r of the point, so the answer is then exact.
    const reach = Math.hypot(Math.max(Math.abs(x - index.minX), Math.abs(x - index.maxX)), Math.max(Math.abs(y - index.minY), Math.abs(y - index.maxY)));
    for (let r = 64; ; r *= 4) {
      let best: Foot | null = null;
      for (const e of index.search(x - r, y - r, x + r, y + r)) {
        if (component >= 0 && this.component[this.edgeU[e]!] !== component) continue;
        const f = this.foot(e, x, y);
        if (!best || f.d < best.d || (f.d === best.d && e < best.edge)) best = f;
      }
      if ((best && best.d <= r) || r >= reach) return best;
    }
  }

  private foot(edge: number, x: number, y: number): Foot {
    const u = this.edgeU[edge]!;
    const v = this.edgeV[edge]!;
    const ax = this.nodeX[u]!, ay = this.nodeY[u]!;
    const dx = this.nodeX[v]! - ax, dy = this.nodeY[v]! - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0;
    const px = ax + dx * t, py = ay + dy * t;
    return { edge, off: t * this.edgeLen[edge]!, x: px, y: py, d: Math.hypot(x - px, y - py) };
  }

  /**
   * The shortest way (A*, straight-line heuristic) from `fromOff` on `fromEdge` to `toOff` on
   * `toEdge`, or null when they are not connected. The same edge needs no route (go along it).
   */
  route(fromEdge: number, fromOff: number, toEdge: number, toOff: number): Route | null {
    const n = this.nodeCount;
    const g = new Float64Array(n).fill(Infinity);
    const via = new Int32Array(n).fill(-1);
    const closed = new Uint8Array(n);
    const [tx, ty] = this.pointAt(toEdge, toOff);
    const h = (k: number) => Math.hypot(this.nodeX[k]! - tx, this.nodeY[k]! - ty);
    const heap = new MinHeap();
    const seed = (k: number, cost: number) => {
      if (cost < g[k]!) {
        g[k] = cost;
        heap.push(cost + h(k), k);
      }
    };
    seed(this.edgeU[fromEdge]!, fromOff);
    seed(this.edgeV[fromEdge]!, this.edgeLen[fromEdge]! - fromOff);
    const sinkU = this.edgeU[toEdge]!;
    const sinkV = this.edgeV[toEdge]!;
    let best = Infinity;
    let bestNode = -1;
    while (heap.size > 0) {
      const k = heap.pop();
      if (heap.lastKey >= best) break;
      if (closed[k]) continue;
      closed[k] = 1;
      const extra = k === sinkU ? toOff : k === sinkV ? this.edgeLen[toEdge]! - toOff : -1;
      if (extra >= 0 && g[k]! + extra < best) {
        best = g[k]! + extra;
        bestNode = k;
      }
      for (let a = this.adjStart[k]!; a < this.adjStart[k + 1]!; a++) {
        const e = this.adjEdge[a]!;
        const m = this.other(e, k);
        const cost = g[k]! + this.edgeLen[e]!;
        if (cost < g[m]!) {
          g[m] = cost;
          via[m] = e;
          heap.push(cost + h(m), m);
        }
      }
    }
    if (bestNode < 0) return null;
    const edges: number[] = [];
    let k = bestNode;
    while (via[k]! >= 0) {
      const e = via[k]!;
      edges.push(e);
      k = this.other(e, k);
    }
    return { first: k, edges: edges.reverse(), lengthM: best };
  }
}

type XY = [number, number];

/** Node ids for points, merging points within MERGE_M (a hash grid of MERGE_M cells). */
class PointRegistry {
  readonly xs: number[] = [];
  readonly ys: number[] = [];
  private readonly cells = new Map<string, number[]>();

  id(x: number, y: number): number {
    const cx = Math.floor(x / MERGE_M);
    const cy = Math.floor(y / MERGE_M);
    let best = -1;
    let bestD = MERGE_M;
    for (let i = cx - 1; i <= cx + 1; i++) {
      for (let j = cy - 1; j <= cy + 1; j++) {
        for (const k of this.cells.get(`${i},${j}`) ?? []) {
          const d = Math.hypot(this.xs[k]! - x, this.ys[k]! - y);
          if (d <= bestD) {
            bestD = d;
            best = k;
          }
        }
      }
    }
    if (best >= 0) return best;
    const k = this.xs.length;
    this.xs.push(x);
    this.ys.push(y);
    const key = `${cx},${cy}`;
    const list = this.cells.get(key);
    if (list) list.push(k);
    else this.cells.set(key, [k]);
    return k;
  }
}

/** Where a road is split: segment k at fraction t (a vertex is segment k at t = 0). */
interface Station {
  at: number;
  x: number;
  y: number;
}

/** Intersection of segments p0-p1 and q0-q1: fractions along each, or null (parallel or apart). */
function crossing(p0x: number, p0y: number, p1x: number, p1y: number, q0x: number, q0y: number, q1x: number, q1y: number): [number, number] | null {
  const rx = p1x - p0x, ry = p1y - p0y;
  const sx = q1x - q0x, sy = q1y - q0y;
  const den = rx * sy - ry * sx;
  if (Math.abs(den) < EPS * Math.hypot(rx, ry) * Math.hypot(sx, sy)) return null;
  const wx = q0x - p0x, wy = q0y - p0y;
  const t = (wx * sy - wy * sx) / den;
  const u = (wx * ry - wy * rx) / den;
  if (t < -EPS || t > 1 + EPS || u < -EPS || u > 1 + EPS) return null;
  return [Math.min(1, Math.max(0, t)), Math.min(1, Math.max(0, u))];
}

/** Build the road graph (see the file comment). Roads with fewer than two distinct points are skipped. */
export function createRoadNetwork(roads: readonly RoadInput[]): RoadNetwork {
  let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity;
  for (const r of roads) {
    for (const [lon, lat] of r.coordinates) {
      minLon = Math.min(minLon, lon);
      minLat = Math.min(minLat, lat);
      maxLon = Math.max(maxLon, lon);
      maxLat = Math.max(maxLat, lat);
    }
  }
  const frame = Number.isFinite(minLon) ? new LocalFrame((minLon + maxLon) / 2, (minLat + maxLat) / 2) : new LocalFrame(0, 0);

  // Lines in metres, without repeated points.
  const lines: { pts: XY[]; cls: number }[] = [];
  for (const r of roads) {
    const pts: XY[] = [];
    for (const [lon, lat] of r.coordinates) {
      const p: XY = [frame.x(lon), frame.y(lat)];
      const last = pts[pts.length - 1];
      if (!last || Math.hypot(p[0] - last[0], p[1] - last[1]) > EPS) pts.push(p);
    }
    if (pts.length >= 2) lines.push({ pts, cls: CLASS_CODE[r.class] ?? 3 });
  }

  // Every segment of every line, in an R-tree.
  const segLine: number[] = [];
  const segK: number[] = [];
  for (let l = 0; l < lines.length; l++) {
    for (let k = 0; k + 1 < lines[l]!.pts.length; k++) {
      segLine.push(l);
      segK.push(k);
    }
  }
  const seg = (s: number): [XY, XY] => {
    const pts = lines[segLine[s]!]!.pts;
    return [pts[segK[s]!]!, pts[segK[s]! + 1]!];
  };
  const segIndex = segLine.length > 0 ? new Flatbush(segLine.length) : null;
  if (segIndex) {
    for (let s = 0; s < segLine.length; s++) {
      const [a, b] = seg(s);
      segIndex.add(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]));
    }
    segIndex.finish();
  }

  // Where each line is split: its vertices, crossings with other segments, and T-junction feet.
  const stations: Station[][] = lines.map((l) => l.pts.map((p, k) => ({ at: k, x: p[0], y: p[1] })));
  const joins: [XY, XY][] = [];
  if (segIndex) {
    for (let s = 0; s < segLine.length; s++) {
      const [a, b] = seg(s);
      for (const o of segIndex.search(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]))) {
        if (o <= s || (segLine[o] === segLine[s] && Math.abs(segK[o]! - segK[s]!) <= 1)) continue;
        const [c, d] = seg(o);
        const hit = crossing(a[0], a[1], b[0], b[1], c[0], c[1], d[0], d[1]);
        if (!hit) continue;
        const x = a[0] + (b[0] - a[0]) * hit[0];
        const y = a[1] + (b[1] - a[1]) * hit[0];
        stations[segLine[s]!]!.push({ at: segK[s]! + hit[0], x, y });
        stations[segLine[o]!]!.push({ at: segK[o]! + hit[1], x, y });
      }
    }
    for (let l = 0; l < lines.length; l++) {
      const pts = lines[l]!.pts;
      for (const end of [0, pts.length - 1]) {
        const [x, y] = pts[end]!;
        const ownSeg = end === 0 ? 0 : end - 1;
        let best: { s: number; t: number; x: number; y: number; d: number } | null = null;
        for (const o of segIndex.search(x - JOIN_M, y - JOIN_M, x + JOIN_M, y + JOIN_M)) {
          if (segLine[o] === l && segK[o] === ownSeg) continue;
          const [c, d] = seg(o);
          const dx = d[0] - c[0], dy = d[1] - c[1];
          const t = Math.min(1, Math.max(0, ((x - c[0]) * dx + (y - c[1]) * dy) / (dx * dx + dy * dy)));
          const fx = c[0] + dx * t, fy = c[1] + dy * t;
          const dist = Math.hypot(x - fx, y - fy);
          if (!best || dist < best.d || (dist === best.d && o < best.s)) best = { s: o, t, x: fx, y: fy, d: dist };
        }
        if (!best || best.d > JOIN_M || best.d <= MERGE_M) continue;
        stations[segLine[best.s]!]!.push({ at: segK[best.s]! + best.t, x: best.x, y: best.y });
        joins.push([[x, y], [best.x, best.y]]);
      }
    }
  }

  // Nodes: merged points; a joined end takes its foot's place (the foot lies on the through road).
  const registry = new PointRegistry();
  const lineNodes = stations.map((list) => list.sort((p, q) => p.at - q.at).map((st) => registry.id(st.x, st.y)));
  const parent = registry.xs.map((_, i) => i);
  const find = (k: number): number => {
    while (parent[k] !== k) k = parent[k] = parent[parent[k]!]!;
    return k;
  };
  for (const [end, foot] of joins) {
    const a = find(registry.id(end[0], end[1]));
    const b = find(registry.id(foot[0], foot[1]));
    if (a !== b) parent[a] = b;
  }
  const compact = new Int32Array(parent.length).fill(-1);
  const nodeX: number[] = [];
  const nodeY: number[] = [];
  const nodeOf = (k: number): number => {
    const root = find(k);
    if (compact[root] === -1) {
      compact[root] = nodeX.length;
      nodeX.push(registry.xs[root]!);
      nodeY.push(registry.ys[root]!);
    }
    return compact[root]!;
  };

  // Edges: consecutive stations of a line, once per pair of nodes.
  const eu: number[] = [];
  const ev: number[] = [];
  const ecls: number[] = [];
  const seen = new Set<string>();
  lineNodes.forEach((ids, l) => {
    for (let i = 0; i + 1 < ids.length; i++) {
      const u = nodeOf(ids[i]!);
      const v = nodeOf(ids[i + 1]!);
      if (u === v) continue;
      const key = u < v ? `${u},${v}` : `${v},${u}`;
      if (seen.has(key)) continue;
      seen.add(key);
      eu.push(u);
      ev.push(v);
      ecls.push(lines[l]!.cls);
    }
  });
  const nN = nodeX.length;
  const nE = eu.length;
  const edgeLen = new Float64Array(nE);
  for (let e = 0; e < nE; e++) edgeLen[e] = Math.hypot(nodeX[ev[e]!]! - nodeX[eu[e]!]!, nodeY[ev[e]!]! - nodeY[eu[e]!]!);

  // Adjacency (CSR) and connected components.
  const adjStart = new Int32Array(nN + 1);
  for (let e = 0; e < nE; e++) {
    adjStart[eu[e]! + 1]!++;
    adjStart[ev[e]! + 1]!++;
  }
  for (let k = 0; k < nN; k++) adjStart[k + 1]! += adjStart[k]!;
  const fill = adjStart.slice(0, nN);
  const adjEdge = new Int32Array(2 * nE);
  for (let e = 0; e < nE; e++) {
    adjEdge[fill[eu[e]!]!++] = e;
    adjEdge[fill[ev[e]!]!++] = e;
  }
  const component = new Int32Array(nN).fill(-1);
  let nComp = 0;
  for (let start = 0; start < nN; start++) {
    if (component[start] !== -1) continue;
    const stack = [start];
    component[start] = nComp;
    while (stack.length) {
      const k = stack.pop()!;
      for (let a = adjStart[k]!; a < adjStart[k + 1]!; a++) {
        const e = adjEdge[a]!;
        const m = eu[e] === k ? ev[e]! : eu[e]!;
        if (component[m] === -1) {
          component[m] = nComp;
          stack.push(m);
        }
      }
    }
    nComp++;
  }
  const compLen = new Float64Array(nComp);
  for (let e = 0; e < nE; e++) compLen[component[eu[e]!]!]! += edgeLen[e]!;
  let main = -1;
  for (let c = 0; c < nComp; c++) if (main < 0 || compLen[c]! > compLen[main]!) main = c;

  let index: Flatbush | null = null;
  if (nE > 0) {
    index = new Flatbush(nE);
    for (let e = 0; e < nE; e++) {
      const ax = nodeX[eu[e]!]!, ay = nodeY[eu[e]!]!, bx = nodeX[ev[e]!]!, by = nodeY[ev[e]!]!;
      index.add(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by));
    }
    index.finish();
  }
  return new RoadNetwork(frame, Float64Array.from(nodeX), Float64Array.from(nodeY), Int32Array.from(eu), Int32Array.from(ev), edgeLen, Uint8Array.from(ecls), adjStart, adjEdge, component, main, index);
}

// ---------------------------------------------------------------------------------------------
// Units in motion
// ---------------------------------------------------------------------------------------------

export interface MotionUnit {
  id: string;
  kind: string;
  status: UnitStatus;
  position: LonLat;
  /** Not used for motion (a unit keeps near where it started); accepted so units pass as they are. */
  homeRegionCode?: string;
}

export interface UnitMove {
  id: string;
  /** [lon, lat], rounded to 1e-6 degree. */
  position: [number, number];
}

/** patrol: roams (or waits, for station kinds); trip: on its way to a goTo target; return: heading home; hold: stays put. */
export type MotionMode = 'patrol' | 'trip' | 'return' | 'hold';

export interface UnitMotionOptions {
  seed: number;
  /** How far a patrol may stray from where it started, metres (default HOME_RADIUS_M). */
  homeRadiusM?: number;
}

export interface UnitMotion {
  /** Advance every moving unit by dtMs of simulated time; returns the units whose (rounded) position changed. */
  step(dtMs: number): UnitMove[];
  /** Change a unit's status (see the file comment); false for an unknown id. */
  setStatus(id: string, status: UnitStatus): boolean;
  /** Send a unit to a point (by road, at its driving speed); it holds there. False for an unknown id. */
  goTo(id: string, target: LonLat): boolean;
  /** A unit's current state, for tests and logs. */
  get(id: string): { position: [number, number]; status: UnitStatus; mode: MotionMode; onRoad: boolean } | undefined;
}

interface Plan {
  /** Edges to follow whole, after leaving the current edge. */
  edges: number[];
  next: number;
  /** The road point nearest the target: edge and offset. */
  lastEdge: number;
  lastOff: number;
}

interface Walker {
  readonly id: string;
  readonly kind: string;
  readonly rng: Rng;
  readonly patrolMps: number;
  readonly driveMps: number;
  /** Where it started (a station kind's station). */
  readonly homeX: number;
  readonly homeY: number;
  /** The road point nearest home: the centre of its patrol, where it heads when it strays. */
  readonly anchorX: number;
  readonly anchorY: number;
  status: UnitStatus;
  mode: MotionMode;
  x: number;
  y: number;
  /** On the road: the edge (-1: off the road), metres along it from its first node, and the direction. */
  edge: number;
  off: number;
  fwd: boolean;
  /** Going straight off the road: to this point, then onto the road at `entry`, or arrived. */
  leg: { x: number; y: number; then: 'road' | 'arrive'; entry: Foot | null } | null;
  /** Where a trip goes (a return goes home). */
  target: XY | null;
  plan: Plan | null;
  /** Last reported position, rounded. */
  lon: number;
  lat: number;
}

export function createUnitMotion(units: readonly MotionUnit[], net: RoadNetwork, opts: UnitMotionOptions): UnitMotion {
  const root = Rng.fromSeed(opts.seed).fork('unit-motion');
  const homeRadius = opts.homeRadiusM ?? HOME_RADIUS_M;
  const { frame } = net;
  const walkers: Walker[] = [];
  const byId = new Map<string, Walker>();
  for (const u of units) {
    const x = frame.x(u.position[0]);
    const y = frame.y(u.position[1]);
    const anchor = net.snapXY(x, y, net.main);
    const w: Walker = {
      id: u.id,
      kind: u.kind,
      rng: root.fork(u.id),
      patrolMps: (PATROL_KMH[u.kind] ?? 0) / 3.6,
      driveMps: (DRIVE_KMH[u.kind] ?? DEFAULT_DRIVE_KMH) / 3.6,
      homeX: x,
      homeY: y,
      anchorX: anchor ? anchor.x : x,
      anchorY: anchor ? anchor.y : y,
      status: u.status,
      mode: 'patrol',
      x,
      y,
      edge: -1,
      off: 0,
      fwd: true,
      leg: null,
      target: null,
      plan: null,
      lon: round6(u.position[0]),
      lat: round6(u.position[1]),
    };
    walkers.push(w);
    byId.set(u.id, w);
  }

  const fromHome = (w: Walker) => Math.hypot(w.x - w.homeX, w.y - w.homeY);
  const fromAnchor = (w: Walker) => Math.hypot(w.x - w.anchorX, w.y - w.anchorY);
  const onEdge = (w: Walker) => {
    [w.x, w.y] = net.pointAt(w.edge, w.off);
  };
  const enter = (w: Walker, edge: number, from: number) => {
    w.edge = edge;
    w.fwd = net.edgeU[edge] === from;
    w.off = w.fwd ? 0 : net.edgeLen[edge]!;
  };
  /** Where a trip or a return goes: the target; a station kind's station; a patrol's anchor. */
  const targetOf = (w: Walker): XY => (w.mode === 'trip' && w.target ? w.target : w.patrolMps > 0 ? [w.anchorX, w.anchorY] : [w.homeX, w.homeY]);

  const arrive = (w: Walker) => {
    w.leg = null;
    w.plan = null;
    w.mode = w.mode === 'trip' ? 'hold' : 'patrol';
  };

  /** Off the road and on the move: straight to the nearest road point (or to the target, if nearer). */
  const leaveOffRoad = (w: Walker): boolean => {
    const entry = net.snapXY(w.x, w.y, net.main);
    const going = w.mode === 'trip' || w.mode === 'return';
    if (going) {
      const [tx, ty] = targetOf(w);
      if (!entry || Math.hypot(tx - w.x, ty - w.y) <= entry.d) {
        w.leg = { x: tx, y: ty, then: 'arrive', entry: null };
        return true;
      }
    }
    if (!entry) return false;
    w.leg = { x: entry.x, y: entry.y, then: 'road', entry };
    return true;
  };

  /** On the road, on a trip or heading home: plan the way (A*) to the road point nearest the target. */
  const planRoute = (w: Walker) => {
    const [tx, ty] = targetOf(w);
    const dest = net.snapXY(tx, ty, net.component[net.edgeU[w.edge]!])!;
    if (dest.edge === w.edge) {
      w.plan = { edges: [], next: 0, lastEdge: dest.edge, lastOff: dest.off };
      w.fwd = dest.off >= w.off;
      return;
    }
    const route = net.route(w.edge, w.off, dest.edge, dest.off);
    if (!route) {
      // Not connected (cannot happen: the destination is in the unit's component). Go straight.
      w.edge = -1;
      w.leg = { x: tx, y: ty, then: 'arrive', entry: null };
      return;
    }
    w.plan = { edges: route.edges, next: 0, lastEdge: dest.edge, lastOff: dest.off };
    w.fwd = route.first === net.edgeV[w.edge];
  };

  /** At the road point nearest the target. */
  const finishRoute = (w: Walker) => {
    w.plan = null;
    if (w.mode === 'return' && w.patrolMps > 0) {
      w.mode = 'patrol';
      return;
    }
    const [tx, ty] = targetOf(w);
    if (Math.hypot(tx - w.x, ty - w.y) > 1e-3) {
      w.edge = -1;
      w.leg = { x: tx, y: ty, then: 'arrive', entry: null };
    } else arrive(w);
  };

  /** Which road to take from a node while patrolling. */
  const patrolChoice = (w: Walker, node: number, via: number): number => {
    const options: number[] = [];
    for (let a = net.adjStart[node]!; a < net.adjStart[node + 1]!; a++) if (net.adjEdge[a] !== via) options.push(net.adjEdge[a]!);
    if (options.length === 0) return via; // a dead end: back the way it came
    if (options.length === 1) return options[0]!;
    const from = net.other(via, node);
    const inX = net.nodeX[node]! - net.nodeX[from]!;
    const inY = net.nodeY[node]! - net.nodeY[from]!;
    const inLen = Math.hypot(inX, inY) || 1;
    const weights = options.map((e) => {
      const to = net.other(e, node);
      const ox = net.nodeX[to]! - net.nodeX[node]!;
      const oy = net.nodeY[to]! - net.nodeY[node]!;
      const cos = (inX * ox + inY * oy) / (inLen * (Math.hypot(ox, oy) || 1));
      const walkerOnMotorway = WALKERS.has(w.kind) && net.edgeClass[e] === MOTORWAY;
      return (1 + 1.5 * Math.max(0, cos)) * (walkerOnMotorway ? 0.05 : 1);
    });
    return options[w.rng.weightedIndex(weights)]!;
  };

  const atNode = (w: Walker) => {
    const node = w.fwd ? net.edgeV[w.edge]! : net.edgeU[w.edge]!;
    const plan = w.plan;
    if (plan) {
      const next = plan.next < plan.edges.length ? plan.edges[plan.next++]! : plan.lastEdge;
      enter(w, next, node);
      if (plan.next >= plan.edges.length && next === plan.lastEdge) w.fwd = plan.lastOff >= w.off;
      return;
    }
    enter(w, patrolChoice(w, node, w.edge), node);
  };

  const speedOf = (w: Walker): number => {
    if (w.status === 'offline') return 0;
    switch (w.mode) {
      case 'trip':
        return w.driveMps;
      case 'hold':
        return 0;
      case 'return':
        return w.status === 'busy' ? 0 : w.patrolMps > 0 ? w.patrolMps : w.driveMps;
      case 'patrol':
        return w.status === 'busy' ? 0 : w.patrolMps;
    }
  };

  /** Move a unit `budget` metres along its way, while its speed stays (an arrival ends the step). */
  const advance = (w: Walker, speed: number, budget: number) => {
    for (let moves = 0; budget > EPS && moves < MAX_MOVES_PER_STEP; moves++) {
      if (speedOf(w) !== speed) return;
      const leg = w.leg;
      if (leg) {
        const d = Math.hypot(leg.x - w.x, leg.y - w.y);
        if (d > budget) {
          w.x += ((leg.x - w.x) * budget) / d;
          w.y += ((leg.y - w.y) * budget) / d;
          return;
        }
        budget -= d;
        w.x = leg.x;
        w.y = leg.y;
        w.leg = null;
        if (leg.then === 'arrive' || !leg.entry) {
          arrive(w);
          continue;
        }
        w.edge = leg.entry.edge;
        w.off = leg.entry.off;
        w.fwd = w.mode === 'patrol' ? w.rng.chance(0.5) : true;
        continue;
      }
      if (w.edge < 0) {
        if (!leaveOffRoad(w)) return;
        continue;
      }
      if (w.mode === 'patrol' && fromAnchor(w) > homeRadius) {
        w.mode = 'return';
        w.plan = null;
      }
      if (w.mode === 'return' && w.patrolMps > 0 && fromAnchor(w) <= BACK_INSIDE * homeRadius) {
        w.mode = 'patrol';
        w.plan = null;
      }
      if ((w.mode === 'trip' || w.mode === 'return') && !w.plan) {
        planRoute(w);
        continue;
      }
      const plan = w.plan;
      const last = plan !== null && plan.next >= plan.edges.length && w.edge === plan.lastEdge;
      const stopAt = last ? plan.lastOff : w.fwd ? net.edgeLen[w.edge]! : 0;
      const room = Math.abs(stopAt - w.off);
      const chunk = w.mode === 'patrol' ? Math.min(budget, PATROL_CHUNK_M) : budget;
      if (room > chunk) {
        w.off += stopAt > w.off ? chunk : -chunk;
        budget -= chunk;
        onEdge(w);
        continue;
      }
      budget -= room;
      w.off = stopAt;
      onEdge(w);
      if (last) finishRoute(w);
      else atNode(w);
    }
  };

  return {
    step(dtMs) {
      const out: UnitMove[] = [];
      if (!(dtMs > 0)) return out;
      for (const w of walkers) {
        const speed = speedOf(w);
        if (speed <= 0) continue;
        advance(w, speed, (speed * dtMs) / 1000);
        const lon = round6(frame.lon(w.x));
        const lat = round6(frame.lat(w.y));
        if (lon === w.lon && lat === w.lat) continue;
        w.lon = lon;
        w.lat = lat;
        out.push({ id: w.id, position: [lon, lat] });
      }
      return out;
    },

    setStatus(id, status) {
      const w = byId.get(id);
      if (!w) return false;
      w.status = status;
      if (status === 'available' && (w.mode === 'trip' || w.mode === 'hold')) {
        if (w.leg?.then === 'arrive') w.leg = null;
        w.plan = null;
        w.target = null;
        w.mode = w.patrolMps === 0 && fromHome(w) > AT_HOME_M ? 'return' : 'patrol';
      }
      return true;
    },

    goTo(id, target) {
      const w = byId.get(id);
      if (!w) return false;
      w.mode = 'trip';
      w.target = [frame.x(target[0]), frame.y(target[1])];
      w.plan = null;
      if (w.leg?.then === 'arrive') w.leg = null;
      return true;
    },

    get(id) {
      const w = byId.get(id);
      if (!w) return undefined;
      return { position: [frame.lon(w.x), frame.lat(w.y)], status: w.status, mode: w.mode, onRoad: w.edge >= 0 && !w.leg };
    },
  };
}
