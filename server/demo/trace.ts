/**
 * Boundary of a union of lattice cells, as a GeoJSON MultiPolygon.
 *
 * Why tracing and not polygon clipping: the cells share vertex ids exactly, so the union's
 * boundary is just the set of directed cell edges whose neighbour across the edge is not in the
 * same region. Because cells are counter-clockwise, the region is on the left of every such edge:
 * chaining them gives counter-clockwise outer rings and clockwise holes, with no floating-point
 * decisions at all. The result reuses the grids' own vertices, so the regions nest exactly.
 */
import type { LonLat, MultiPolygon, Polygon } from '@shared/world';
import { pointInRing, ringSignedArea } from './geo';
import type { Lattice } from './lattice';

/**
 * `regionOf[cell]` is the region id of each cell at this level; `cells` are the cells of region
 * `id`. Returns its boundary: one Polygon per outer ring, largest first, holes attached.
 */
export function traceRegion(lat: Lattice, cells: readonly number[], regionOf: Int32Array, id: number): MultiPolygon {
  // Directed boundary edges, keyed by their start vertex.
  const out = new Map<number, number[]>();
  let edgeCount = 0;
  for (const c of cells) {
    for (let k = 0; k < 4; k++) {
      const m = lat.nbr[4 * c + k]!;
      if (m >= 0 && regionOf[m] === id) continue;
      const a = lat.corners[4 * c + k]!;
      const b = lat.corners[4 * c + ((k + 1) % 4)]!;
      const list = out.get(a);
      if (list) list.push(b);
      else out.set(a, [b]);
      edgeCount++;
    }
  }

  // Chain edges into closed walks, then cut each walk at repeated vertices so every ring is
  // simple (where two cells of the region, or two holes, touch only at a corner).
  const rings: number[][] = [];
  let used = 0;
  for (const start of out.keys()) {
    for (;;) {
      const first = out.get(start);
      if (!first || first.length === 0) break;
      const walk = [start];
      let v = start;
      for (;;) {
        const nexts = out.get(v);
        const w = nexts?.pop();
        if (w === undefined) throw new Error('traceRegion: open boundary (cells are not a valid tiling)');
        used++;
        if (w === start) break;
        walk.push(w);
        v = w;
      }
      splitSimple(walk, rings);
    }
  }
  if (used !== edgeCount) throw new Error('traceRegion: unchained edges');

  const toCoords = (ring: number[]): LonLat[] => {
    const coords: LonLat[] = ring.map((v) => [lat.vLon[v]!, lat.vLat[v]!]);
    coords.push([lat.vLon[ring[0]!]!, lat.vLat[ring[0]!]!]);
    return coords;
  };
  const outers: { coords: LonLat[]; area: number; poly: Polygon }[] = [];
  const holes: LonLat[][] = [];
  for (const r of rings) {
    const coords = toCoords(r);
    const area = ringSignedArea(coords);
    if (area > 0) outers.push({ coords, area, poly: [coords] });
    else holes.push(coords);
  }
  outers.sort((x, y) => y.area - x.area);
  for (const h of holes) {
    // A hole edge's midpoint lies on no other ring (edges are never shared between rings), so
    // it decides containment cleanly; the smallest outer ring containing it is its polygon.
    const a = h[0]!;
    const b = h[1]!;
    const mx = (a[0] + b[0]) / 2;
    const my = (a[1] + b[1]) / 2;
    let home: (typeof outers)[number] | undefined;
    for (const o of outers) if (pointInRing(mx, my, o.coords) && (!home || o.area < home.area)) home = o;
    if (!home) throw new Error('traceRegion: hole outside every outer ring');
    home.poly.push(h);
  }
  return outers.map((o) => o.poly);
}

/** Cut a closed walk (vertex list, closing vertex implied) into simple rings. */
function splitSimple(walk: number[], rings: number[][]): void {
  const stack: number[] = [];
  const pos = new Map<number, number>();
  for (const v of walk) {
    const p = pos.get(v);
    if (p !== undefined) {
      const loop = stack.splice(p + 1);
      for (const u of loop) pos.delete(u);
      rings.push([v, ...loop]);
    } else {
      pos.set(v, stack.length);
      stack.push(v);
    }
  }
  rings.push(stack);
}
