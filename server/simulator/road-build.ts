/**
 * Building the road network (road-network.ts) from the basemap's road line strings. Its nodes are
 * the roads' vertices plus every junction, and its edges straight pieces between them:
 * - the demo's roads cross mostly *between* their vertices (Chaikin-smoothed lattice lines: the
 *   nearest vertex is ~15-35 m from a crossing), so crossings are computed (segment × segment,
 *   candidates from a Flatbush R-tree) and both roads are split there;
 * - vertices within MERGE_M of each other are one node (roads that continue one another);
 * - a road's end within JOIN_M of another road (a T-junction drawn a little short or long) joins
 *   that road at its nearest point;
 * - an end joined to nothing is a dead end.
 * Then adjacency, connected components (the one with the most road is `main`) and the R-tree of
 * the edges that `snap` searches.
 */
import Flatbush from 'flatbush';
import { LocalFrame } from '@server/demo/geo';
import { CLASS_CODE, RoadNetwork, type RoadInput } from './road-network';

/** Points closer than this are one node (metres). */
const MERGE_M = 0.5;
/** A road's end this close to another road joins it (metres). */
const JOIN_M = 5;
const EPS = 1e-9;

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
function crossing(
  p0x: number,
  p0y: number,
  p1x: number,
  p1y: number,
  q0x: number,
  q0y: number,
  q1x: number,
  q1y: number,
): [number, number] | null {
  const rx = p1x - p0x,
    ry = p1y - p0y;
  const sx = q1x - q0x,
    sy = q1y - q0y;
  const den = rx * sy - ry * sx;
  if (Math.abs(den) < EPS * Math.hypot(rx, ry) * Math.hypot(sx, sy)) return null;
  const wx = q0x - p0x,
    wy = q0y - p0y;
  const t = (wx * sy - wy * sx) / den;
  const u = (wx * ry - wy * rx) / den;
  if (t < -EPS || t > 1 + EPS || u < -EPS || u > 1 + EPS) return null;
  return [Math.min(1, Math.max(0, t)), Math.min(1, Math.max(0, u))];
}

/** Build the road graph (see the file comment). Roads with fewer than two distinct points are skipped. */
export function createRoadNetwork(roads: readonly RoadInput[]): RoadNetwork {
  let minLon = Infinity,
    minLat = Infinity,
    maxLon = -Infinity,
    maxLat = -Infinity;
  for (const r of roads) {
    for (const [lon, lat] of r.coordinates) {
      minLon = Math.min(minLon, lon);
      minLat = Math.min(minLat, lat);
      maxLon = Math.max(maxLon, lon);
      maxLat = Math.max(maxLat, lat);
    }
  }
  const frame = Number.isFinite(minLon)
    ? new LocalFrame((minLon + maxLon) / 2, (minLat + maxLat) / 2)
    : new LocalFrame(0, 0);

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
      for (const o of segIndex.search(
        Math.min(a[0], b[0]),
        Math.min(a[1], b[1]),
        Math.max(a[0], b[0]),
        Math.max(a[1], b[1]),
      )) {
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
          const dx = d[0] - c[0],
            dy = d[1] - c[1];
          const t = Math.min(1, Math.max(0, ((x - c[0]) * dx + (y - c[1]) * dy) / (dx * dx + dy * dy)));
          const fx = c[0] + dx * t,
            fy = c[1] + dy * t;
          const dist = Math.hypot(x - fx, y - fy);
          if (!best || dist < best.d || (dist === best.d && o < best.s)) best = { s: o, t, x: fx, y: fy, d: dist };
        }
        if (!best || best.d > JOIN_M || best.d <= MERGE_M) continue;
        stations[segLine[best.s]!]!.push({ at: segK[best.s]! + best.t, x: best.x, y: best.y });
        joins.push([
          [x, y],
          [best.x, best.y],
        ]);
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
  for (let e = 0; e < nE; e++)
    edgeLen[e] = Math.hypot(nodeX[ev[e]!]! - nodeX[eu[e]!]!, nodeY[ev[e]!]! - nodeY[eu[e]!]!);

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
      const ax = nodeX[eu[e]!]!,
        ay = nodeY[eu[e]!]!,
        bx = nodeX[ev[e]!]!,
        by = nodeY[ev[e]!]!;
      index.add(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by));
    }
    index.finish();
  }
  return new RoadNetwork(
    frame,
    Float64Array.from(nodeX),
    Float64Array.from(nodeY),
    Int32Array.from(eu),
    Int32Array.from(ev),
    edgeLen,
    Uint8Array.from(ecls),
    adjStart,
    adjEdge,
    component,
    main,
    index,
  );
}
