/**
 * The demo city's road network as the moving units use it (issue 6): a graph in a local metric
 * frame (metres east/north of the network's centre; see demo/geo.ts), built once from the
 * basemap's road line strings (road-build.ts). It answers "the nearest road point" (`snap`, over a
 * Flatbush R-tree of the edges) and "the shortest way between two road points" (`route`, A*).
 * Units keep to the connected part with the most road (`main`).
 */
import type Flatbush from 'flatbush';
import type { LonLat } from '@shared/world';
import type { LocalFrame } from '@server/demo/geo';
import { MinHeap } from '@server/demo/heap';

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

/** The nearest point (metres) on an edge: the edge, metres along it, the point, and its distance. */
export interface Foot {
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

/** Road classes as edges store them; anything else is 3. */
export const CLASS_CODE: Readonly<Record<string, number>> = { motorway: 0, primary: 1, secondary: 2 };
export const MOTORWAY = 0;

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
    return [
      this.nodeX[u]! + (this.nodeX[v]! - this.nodeX[u]!) * t,
      this.nodeY[u]! + (this.nodeY[v]! - this.nodeY[u]!) * t,
    ];
  }

  /** The nearest point (metres) on an edge of the network (of one component, when given). */
  snapXY(x: number, y: number, component = -1): Foot | null {
    const index = this.index;
    if (!index) return null;
    // Grow a search box until the best exact distance fits inside it: an edge closer than r has
    // its bounding box within r of the point, so the answer is then exact.
    const reach = Math.hypot(
      Math.max(Math.abs(x - index.minX), Math.abs(x - index.maxX)),
      Math.max(Math.abs(y - index.minY), Math.abs(y - index.maxY)),
    );
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
    const ax = this.nodeX[u]!,
      ay = this.nodeY[u]!;
    const dx = this.nodeX[v]! - ax,
      dy = this.nodeY[v]! - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0;
    const px = ax + dx * t,
      py = ay + dy * t;
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
