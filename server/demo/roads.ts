/**
 * The basemap's roads: an expressway ring and radials, and primary and secondary roads along every
 * few lattice lines, so they follow grid boundaries as real grids follow roads. A road is named,
 * street by street, from the road names of the street it crosses (the names camera names are made
 * from). Roads stop at lakes and at the Gan, except expressways and some primary roads, which
 * cross it on bridges (named after the real bridges near their crossing, or after their road).
 */
import type { BasemapFeature } from '@shared/world';
import { BRIDGES, type ScaleSettings } from './basemap-places';
import type { CityContext } from './context';
import { chaikin, dedupe, dist, lerp, lineLength, mid, type Plane, type XY } from './plane';
import type { Rng } from './random';
import type { WaterIndex, WaterKind } from './water';

type RoadClass = 'motorway' | 'primary' | 'secondary';

/** Roads are checked for water every this many metres (and its edges found to a metre). */
const ROAD_SAMPLE_M = 20;

export interface Motorway {
  name: string;
  pts: XY[];
}

/** The expressways: a ring around downtown and, at full scale, radials out of the city. */
export function layMotorways(ctx: CityContext, settings: ScaleSettings, roadRng: Rng): Motorway[] {
  const motorways: Motorway[] = [];
  const { radiusShare, name } = settings.ring;
  const phase = roadRng.float(0, 2 * Math.PI);
  const pts: XY[] = [];
  for (let k = 0; k < 240; k++) {
    const th = (2 * Math.PI * k) / 240;
    const r = radiusShare * ctx.lat.outlineRadius(th) * (1 + 0.04 * Math.sin(3 * th + phase));
    pts.push([r * Math.cos(th), r * Math.sin(th)]);
  }
  pts.push(pts[0]!);
  motorways.push({ name, pts });
  for (const rad of settings.radials) {
    const th0 = Math.PI / 2 - (rad.bearingDeg * Math.PI) / 180;
    const bend = roadRng.float(-0.06, 0.06);
    const line: XY[] = [];
    const r0 = radiusShare * ctx.lat.outlineRadius(th0);
    const r1 = 1.08 * ctx.lat.outlineRadius(th0);
    for (let s = 0; s <= 20; s++) {
      const r = r0 + ((r1 - r0) * s) / 20;
      const th = th0 + bend * Math.sin((Math.PI * s) / 20);
      line.push([r * Math.cos(th), r * Math.sin(th)]);
    }
    motorways.push({ name: rad.name, pts: line });
  }
  return motorways;
}

/** Every road as a feature (`road-0001` …), motorways first, then primary, then secondary roads. */
export function buildRoads(
  ctx: CityContext,
  plane: Plane,
  settings: ScaleSettings,
  motorways: readonly Motorway[],
  water: WaterIndex,
): BasemapFeature[] {
  const { frame, toXY, toLonLat } = plane;
  const features: BasemapFeature[] = [];
  const roads: { cls: RoadClass; name: string; pts: XY[]; bridge: boolean }[] = [];
  for (const m of motorways) {
    for (const piece of cutByWater(m.pts, [], 'motorway', true, water))
      roads.push({ cls: 'motorway', name: m.name, pts: piece.pts, bridge: false });
  }
  const { rows, cols } = latticeLines(ctx);
  const nextName = new Map<number, number>();
  const nameFor = (street: number): string => {
    const names = ctx.roads[street]!;
    const k = nextName.get(street) ?? 0;
    nextName.set(street, k + 1);
    return names[k % names.length]!;
  };
  const vertexXY = (v: number): XY => toXY([ctx.lat.vLon[v]!, ctx.lat.vLat[v]!]);
  let primaryCount = 0;
  for (const line of [...rows, ...cols]) {
    const { secondary, primary } = settings.roadEvery;
    if (line.index % secondary !== 0) continue;
    const cls: RoadClass = line.index % primary === 0 ? 'primary' : 'secondary';
    const bridged = cls === 'primary' && primaryCount++ % settings.bridgeEveryPrimary === 0;
    // Named stretches: the line changes name where it passes into another street; slivers of
    // under 3 cells stay with the stretch before them.
    const streetOf = line.cells.map((c) => ctx.tree.cellStreet[c]!);
    const stretches: { from: number; to: number; street: number; name: string }[] = [];
    for (let k = 0; k < streetOf.length; k++) {
      const last = stretches[stretches.length - 1];
      if (last && (last.street === streetOf[k] || k - last.from < 3 || streetOf.length - k < 3)) last.to = k + 1;
      else stretches.push({ from: k, to: k + 1, street: streetOf[k]!, name: nameFor(streetOf[k]!) });
    }
    // Each stretch is smoothed on its own (the joints stay put), then the whole line is cut by
    // water at once, so a bridge may span the street border that runs down the river.
    const pts: XY[] = [];
    const tags: number[] = [];
    stretches.forEach((st, t) => {
      const smooth = chaikin(line.verts.slice(st.from, st.to + 1).map(vertexXY), 2);
      for (let k = pts.length === 0 ? 0 : 1; k < smooth.length; k++) {
        if (pts.length > 0) tags.push(t);
        pts.push(smooth[k]!);
      }
    });
    if (pts.length < 2) continue;
    for (const piece of cutByWater(pts, tags, cls, bridged, water))
      roads.push({ cls, name: stretches[piece.tag]!.name, pts: piece.pts, bridge: piece.bridge });
  }
  // Bridges over the Gan: each real name goes to the nearest bridge within 1.5 km of its crossing.
  const bridges = roads.filter((r) => r.bridge);
  const unnamed = new Set(bridges);
  for (const real of BRIDGES) {
    const y = frame.y(real.lat);
    let best: (typeof bridges)[number] | undefined;
    for (const r of unnamed) if (!best || Math.abs(mid(r.pts)[1] - y) < Math.abs(mid(best.pts)[1] - y)) best = r;
    if (best && Math.abs(mid(best.pts)[1] - y) < 1_500) {
      best.name = real.name;
      unnamed.delete(best);
    }
  }
  for (const r of unnamed) r.name = `${r.name}赣江大桥`;
  const order: Record<RoadClass, number> = { motorway: 0, primary: 1, secondary: 2 };
  roads.sort((a, b) => order[a.cls] - order[b.cls]);
  let nRoad = 0;
  for (const r of roads) {
    const coordinates = dedupe(r.pts.map(toLonLat));
    if (coordinates.length < 2) continue;
    features.push({
      id: `road-${String(++nRoad).padStart(4, '0')}`,
      kind: 'road',
      class: r.cls,
      name: r.name,
      geometry: { type: 'LineString', coordinates },
    });
  }
  return features;
}

/** What a road does on meeting water: carry on (it is on a bridge or embankment), bridge, or stop. */
type Crossing = 'through' | 'bridge' | 'cut';
function crossing(cls: RoadClass, water: WaterKind, bridged: boolean): Crossing {
  if (water === 'lake') return 'cut';
  if (water === 'tributary' || cls === 'motorway') return 'through';
  return cls === 'primary' && bridged ? 'bridge' : 'cut';
}

interface RoadPiece {
  pts: XY[];
  bridge: boolean;
  /** Tag of the input segments the piece came from (a road piece never spans two tags). */
  tag: number;
}

/**
 * Cut a road where it meets water it may not cross, and where the tag of its segments changes
 * (tags are the named stretches of a lattice line). Returns the road pieces and the bridges
 * (a bridge may span tags: it gets a name of its own); water's edges are found to a metre.
 */
function cutByWater(
  pts: XY[],
  tags: readonly number[],
  cls: RoadClass,
  bridged: boolean,
  water: WaterIndex,
): RoadPiece[] {
  type State = 'road' | 'bridge' | 'gap';
  const state = (p: XY): State => {
    const k = water.kindAt(p[0], p[1]);
    if (!k) return 'road';
    const c = crossing(cls, k, bridged);
    return c === 'through' ? 'road' : c === 'bridge' ? 'bridge' : 'gap';
  };
  const edge = (a: XY, b: XY, sa: State): XY => {
    let lo = a;
    let hi = b;
    for (let i = 0; i < 12; i++) {
      const m = lerp(lo, hi, 0.5);
      if (state(m) === sa) lo = m;
      else hi = m;
    }
    return lerp(lo, hi, 0.5);
  };
  const out: RoadPiece[] = [];
  let cur = state(pts[0]!);
  let piece: XY[] = [pts[0]!];
  let tag = tags[0] ?? 0;
  // A bridge must start and end on land.
  let fromLand = false;
  const close = (toLand: boolean) => {
    if (piece.length < 2) return;
    if (cur === 'road') out.push({ pts: piece, bridge: false, tag });
    else if (cur === 'bridge' && fromLand && toLand) out.push({ pts: piece, bridge: true, tag });
  };
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i]!;
    const b = pts[i + 1]!;
    const t = tags[i] ?? tag;
    if (t !== tag && cur === 'road') {
      close(true);
      piece = [a];
    }
    tag = t;
    const n = Math.max(1, Math.ceil(dist(a, b) / ROAD_SAMPLE_M));
    let prev = a;
    for (let k = 1; k <= n; k++) {
      const p = lerp(a, b, k / n);
      const st = state(p);
      if (st !== cur) {
        const q = edge(prev, p, cur);
        piece.push(q);
        close(st === 'road');
        fromLand = cur === 'road';
        cur = st;
        piece = [q];
      }
      prev = p;
    }
    piece.push(b);
  }
  close(false);
  return out.filter((r) => r.bridge || lineLength(r.pts) >= 120);
}

interface LatticeLine {
  /** Lattice vertex ids along the line. */
  verts: number[];
  /** The city cell each edge (verts[k] → verts[k+1]) belongs to. */
  cells: number[];
  /** Lattice row (j) or column (i) number. */
  index: number;
}

/**
 * Lattice lines inside the city: rows run along the south edges of a row of cells, columns along
 * the west edges of a column. Cells' lattice coordinates come from their SW corner's vertex id.
 */
function latticeLines(ctx: CityContext): { rows: LatticeLine[]; cols: LatticeLine[] } {
  const { lat } = ctx;
  const side = Math.round(Math.sqrt(lat.vLon.length));
  const half = (side - 1) / 2;
  const rows = new Map<number, { i: number; c: number }[]>();
  const cols = new Map<number, { j: number; c: number }[]>();
  for (let c = 0; c < lat.n; c++) {
    const v = lat.corners[4 * c]!;
    const i = (v % side) - half;
    const j = Math.floor(v / side) - half;
    if (!rows.has(j)) rows.set(j, []);
    rows.get(j)!.push({ i, c });
    if (!cols.has(i)) cols.set(i, []);
    cols.get(i)!.push({ j, c });
  }
  const runs = <T extends { c: number }>(
    index: number,
    list: T[],
    key: (t: T) => number,
    from: number,
    to: number,
  ): LatticeLine[] => {
    list.sort((x, y) => key(x) - key(y));
    const out: LatticeLine[] = [];
    let cur: LatticeLine | null = null;
    let last = -Infinity;
    for (const t of list) {
      if (!cur || key(t) !== last + 1) {
        cur = { verts: [lat.corners[4 * t.c + from]!], cells: [], index };
        out.push(cur);
      }
      cur.verts.push(lat.corners[4 * t.c + to]!);
      cur.cells.push(t.c);
      last = key(t);
    }
    return out;
  };
  const rowLines: LatticeLine[] = [];
  for (const [j, list] of [...rows].sort((x, y) => x[0] - y[0])) rowLines.push(...runs(j, list, (t) => t.i, 0, 1));
  const colLines: LatticeLine[] = [];
  for (const [i, list] of [...cols].sort((x, y) => x[0] - y[0])) colLines.push(...runs(i, list, (t) => t.j, 0, 3));
  return { rows: rowLines, cols: colLines };
}
