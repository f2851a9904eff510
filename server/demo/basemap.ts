/**
 * The built-in offline basemap of the demo city: water (the Gan river 赣江, its tributary the Fu
 * river 抚河, and lakes), roads (an expressway ring and radials, primary and secondary roads) and
 * green space (named parks, lakeside and riverside parks, neighbourhood parks). A pure function of
 * the city and its own random stream (`basemap`), like every other step.
 *
 * - The Gan's centre is GAN_RIVER itself (only its corners are rounded), the line the region tree
 *   splits the banks by, so west-bank districts stay west of the water and east-bank ones east.
 * - Lakes sit near their real places; their shores keep clear of the rivers, railways and
 *   expressways, and of the candidate places tried the one covering least of the city wins.
 * - Roads run along every few lattice lines, so they follow grid boundaries as real grids follow
 *   roads; a road is named, street by street, from the road names of the street it crosses (the
 *   names camera names are made from). Roads stop at lakes and at the Gan, except expressways and
 *   some primary roads, which cross it on bridges.
 *
 * The city was laid out before there was water, so `moveAshore` then moves what the water covers
 * onto dry land on the same bank: into a dry part of the same grid, or where the grid is all
 * water into the nearest grid that keeps the object valid (see there). Every other step's draws
 * are untouched; only positions (and grids) of covered objects change.
 *
 * Geometry is built in the lattice's local metric frame and rounded to 1e-6 degree on output.
 */
import type { BasemapFeature, Camera, Facility, LonLat, Railway, SmartCommunity, Unit, Zone } from '@shared/world';
import type { CityContext } from './context';
import { GAN_RIVER } from './config';
import type { LocalFrame } from './geo';
import { round6 } from '@shared/geo';
import { randomCellPoint } from './lattice';
import { uniqueName } from './names';
import type { Rng } from './random';

type XY = [number, number];
type WaterKind = 'gan' | 'tributary' | 'lake';
type RoadClass = 'motorway' | 'primary' | 'secondary';

// ---------------------------------------------------------------------------------------------
// What the basemap is made of (real places, approximate positions)
// ---------------------------------------------------------------------------------------------

/** Width of the Gan through the city, metres (it varies by ±20 % along its course). */
const GAN_WIDTH_M = 650;

/** The Fu river (抚河) comes up through Nanchang county and flows into the Gan by the old town. */
const FU_RIVER = {
  name: '抚河',
  widthM: 170,
  line: [
    [116.02, 28.44],
    [115.99, 28.5],
    [115.955, 28.56],
    [115.925, 28.605],
    [115.905, 28.64],
    [115.893, 28.668],
    [115.884, 28.69],
    // On the Gan's centre line (GAN_RIVER), where the Fu flows into it.
    [115.8822, 28.703],
  ] as const,
};

interface LakeSpec {
  name: string;
  center: readonly [number, number];
  /** Semi-axes, metres, before the shore is shaped. */
  semiAxesM: readonly [number, number];
  rotationDeg: number;
  /** A park around the lake, if it has one. */
  park?: string;
}
const LAKES: LakeSpec[] = [
  { name: '青山湖', center: [115.937, 28.69], semiAxesM: [1_000, 650], rotationDeg: 25, park: '青山湖公园' },
  { name: '艾溪湖', center: [115.978, 28.69], semiAxesM: [450, 1_500], rotationDeg: 8, park: '艾溪湖湿地公园' },
  { name: '象湖', center: [115.886, 28.622], semiAxesM: [850, 500], rotationDeg: -30, park: '象湖湿地公园' },
  { name: '瑶湖', center: [116.035, 28.683], semiAxesM: [1_700, 1_100], rotationDeg: 10, park: '瑶湖郊野森林公园' },
  { name: '前湖', center: [115.812, 28.668], semiAxesM: [650, 400], rotationDeg: -15 },
  { name: '东湖', center: [115.8985, 28.6845], semiAxesM: [330, 210], rotationDeg: 5 },
];

interface ParkSpec {
  name: string;
  center: readonly [number, number];
  semiAxesM: readonly [number, number];
}
const PARKS: ParkSpec[] = [
  { name: '人民公园', center: [115.913, 28.671], semiAxesM: [320, 240] },
  { name: '八一公园', center: [115.9055, 28.689], semiAxesM: [260, 180] },
  { name: '梅岭国家森林公园', center: [115.74, 28.78], semiAxesM: [3_600, 2_600] },
];
/** Parks along the Gan downtown: which bank (seen going downstream) and over which latitudes. */
const RIVERSIDE_PARKS = [
  { name: '赣江市民公园', bank: 'left' as const, lat: [28.655, 28.705] as const },
  { name: '沿江公园', bank: 'right' as const, lat: [28.66, 28.69] as const },
];

/** Bridges over the Gan and about where they cross it (latitude); others are named after their road. */
const BRIDGES: { name: string; lat: number }[] = [
  { name: '九龙湖大桥', lat: 28.57 },
  { name: '生米大桥', lat: 28.6 },
  { name: '复兴大桥', lat: 28.622 },
  { name: '朝阳大桥', lat: 28.645 },
  { name: '南昌大桥', lat: 28.668 },
  { name: '八一大桥', lat: 28.692 },
  { name: '英雄大桥', lat: 28.72 },
  { name: '昌北大桥', lat: 28.75 },
];

interface ScaleSettings {
  /** Every how many lattice lines a secondary road runs, and a primary one. */
  roadEvery: { secondary: number; primary: number };
  /** Lattice lines that cross the Gan on a bridge: every n-th primary road. */
  bridgeEveryPrimary: number;
  ring: { name: string; radiusShare: number };
  radials: { name: string; bearingDeg: number }[];
  neighbourhoodParks: number;
}
const SETTINGS: Record<'full' | 'small', ScaleSettings> = {
  full: {
    roadEvery: { secondary: 3, primary: 9 },
    bridgeEveryPrimary: 2,
    ring: { name: '南昌绕城高速', radiusShare: 0.5 },
    radials: [
      { name: '昌九高速', bearingDeg: 18 },
      { name: '沪昆高速', bearingDeg: 92 },
      { name: '福银高速', bearingDeg: 148 },
      { name: '昌樟高速', bearingDeg: 212 },
      { name: '沪昆高速', bearingDeg: 262 },
    ],
    neighbourhoodParks: 30,
  },
  small: {
    roadEvery: { secondary: 2, primary: 6 },
    bridgeEveryPrimary: 1,
    ring: { name: '内环快速路', radiusShare: 0.62 },
    radials: [],
    neighbourhoodParks: 4,
  },
};

/** Sampling steps, metres. */
const RIVER_STATION_M = 100;
const ROAD_SAMPLE_M = 20;
const LAKE_VERTICES = 96;
/** Cell of the coarse "is any water near" grid, and of the Gan station buckets, metres. */
const COARSE_M = 250;
const GAN_BUCKET_M = 1_000;

// ---------------------------------------------------------------------------------------------
// Small planar helpers (metres in the lattice frame)
// ---------------------------------------------------------------------------------------------

const dist = (a: XY, b: XY): number => Math.hypot(b[0] - a[0], b[1] - a[1]);
const lerp = (a: XY, b: XY, t: number): XY => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];

/** Chaikin corner cutting of an open polyline; the end points stay. */
function chaikin(pts: XY[], iterations: number): XY[] {
  let p = pts;
  for (let it = 0; it < iterations && p.length > 2; it++) {
    const out: XY[] = [p[0]!];
    for (let i = 0; i + 1 < p.length; i++) out.push(lerp(p[i]!, p[i + 1]!, 0.25), lerp(p[i]!, p[i + 1]!, 0.75));
    out.push(p[p.length - 1]!);
    p = out;
  }
  return p;
}

/** Points every `step` metres along a polyline (the last point included). */
function resample(pts: XY[], step: number): XY[] {
  const out: XY[] = [pts[0]!];
  let carry = 0;
  for (let i = 0; i + 1 < pts.length; i++) {
    const a = pts[i]!;
    const b = pts[i + 1]!;
    const len = dist(a, b);
    let s = step - carry;
    while (s <= len) {
      out.push(lerp(a, b, s / len));
      s += step;
    }
    carry = len - (s - step);
  }
  const last = pts[pts.length - 1]!;
  if (dist(out[out.length - 1]!, last) > step * 0.25) out.push(last);
  return out;
}

function ringArea(ring: readonly XY[]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) s += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return s / 2;
}

/** Point-in-ring by crossing number, over edges bucketed into horizontal bands. */
class RingIndex {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  private readonly bands: number[][] = [];
  private readonly bandH: number;

  constructor(readonly ring: readonly XY[]) {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const [x, y] of ring) {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
    this.minX = minX;
    this.minY = minY;
    this.maxX = maxX;
    this.maxY = maxY;
    const nBands = Math.max(1, Math.min(4_096, Math.ceil(ring.length / 4)));
    this.bandH = (maxY - minY) / nBands || 1;
    for (let b = 0; b < nBands; b++) this.bands.push([]);
    for (let i = 0; i + 1 < ring.length; i++) {
      const y0 = Math.min(ring[i]![1], ring[i + 1]![1]);
      const y1 = Math.max(ring[i]![1], ring[i + 1]![1]);
      const b0 = this.band(y0);
      const b1 = this.band(y1);
      for (let b = b0; b <= b1; b++) this.bands[b]!.push(i);
    }
  }

  private band(y: number): number {
    return Math.max(0, Math.min(this.bands.length - 1, Math.floor((y - this.minY) / this.bandH)));
  }

  contains(x: number, y: number): boolean {
    if (x < this.minX || x > this.maxX || y < this.minY || y > this.maxY) return false;
    let inside = false;
    for (const i of this.bands[this.band(y)]!) {
      const a = this.ring[i]!;
      const b = this.ring[i + 1]!;
      if (a[1] > y !== b[1] > y) {
        const xi = a[0] + ((y - a[1]) * (b[0] - a[0])) / (b[1] - a[1]);
        if (x < xi) inside = !inside;
      }
    }
    return inside;
  }
}

// ---------------------------------------------------------------------------------------------
// Water
// ---------------------------------------------------------------------------------------------

interface Station {
  p: XY;
  /** Unit normal to the left of the direction of flow. */
  n: XY;
}

interface WaterBody {
  kind: WaterKind;
  name: string;
  ring: XY[];
  index: RingIndex;
  /** Centre line (rivers). */
  line?: XY[];
}

/** Where the water is: the query every later step (roads, parks, moving objects ashore) asks. */
export class WaterIndex {
  /** Coarse cells that some water touches: most queries end at one array read. */
  private readonly near: Uint8Array;
  private readonly cols: number;
  private readonly rows: number;
  private readonly x0: number;
  private readonly y0: number;
  /** Gan stations by coarse cell, for the nearest-station search of ganSide. */
  private readonly ganBuckets = new Map<number, number[]>();

  constructor(
    readonly frame: LocalFrame,
    private readonly bodies: readonly WaterBody[],
    private readonly gan: readonly Station[],
  ) {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const b of bodies) {
      minX = Math.min(minX, b.index.minX);
      minY = Math.min(minY, b.index.minY);
      maxX = Math.max(maxX, b.index.maxX);
      maxY = Math.max(maxY, b.index.maxY);
    }
    if (!Number.isFinite(minX)) minX = minY = maxX = maxY = 0;
    this.x0 = minX - COARSE_M;
    this.y0 = minY - COARSE_M;
    this.cols = Math.ceil((maxX - this.x0) / COARSE_M) + 2;
    this.rows = Math.ceil((maxY - this.y0) / COARSE_M) + 2;
    this.near = new Uint8Array(this.cols * this.rows);
    for (const b of bodies) {
      // Cells the shore passes through, then cells whose centre is in the water.
      for (const p of resample(b.ring, COARSE_M / 4)) this.mark(p[0], p[1]);
      const c0 = Math.floor((b.index.minX - this.x0) / COARSE_M);
      const c1 = Math.floor((b.index.maxX - this.x0) / COARSE_M);
      const r0 = Math.floor((b.index.minY - this.y0) / COARSE_M);
      const r1 = Math.floor((b.index.maxY - this.y0) / COARSE_M);
      for (let r = r0; r <= r1; r++) {
        for (let c = c0; c <= c1; c++) {
          if (b.index.contains(this.x0 + (c + 0.5) * COARSE_M, this.y0 + (r + 0.5) * COARSE_M)) this.near[r * this.cols + c] = 1;
        }
      }
    }
    gan.forEach((s, i) => {
      const key = this.bucket(s.p[0], s.p[1]);
      const list = this.ganBuckets.get(key);
      if (list) list.push(i);
      else this.ganBuckets.set(key, [i]);
    });
  }

  private mark(x: number, y: number): void {
    const c = Math.floor((x - this.x0) / COARSE_M);
    const r = Math.floor((y - this.y0) / COARSE_M);
    for (let dr = -1; dr <= 1; dr++) {
      for (let dc = -1; dc <= 1; dc++) {
        const rr = r + dr;
        const cc = c + dc;
        if (rr >= 0 && cc >= 0 && rr < this.rows && cc < this.cols) this.near[rr * this.cols + cc] = 1;
      }
    }
  }

  private bucket(x: number, y: number): number {
    return Math.floor(y / GAN_BUCKET_M) * 100_000 + Math.floor(x / GAN_BUCKET_M);
  }

  kindAt(x: number, y: number): WaterKind | null {
    const c = Math.floor((x - this.x0) / COARSE_M);
    const r = Math.floor((y - this.y0) / COARSE_M);
    if (c < 0 || r < 0 || c >= this.cols || r >= this.rows || this.near[r * this.cols + c] === 0) return null;
    for (const b of this.bodies) if (b.index.contains(x, y)) return b.kind;
    return null;
  }

  isWet(p: LonLat): boolean {
    return this.kindAt(this.frame.x(p[0]), this.frame.y(p[1])) !== null;
  }

  /** Which side of the Gan a point is on: +1 left (west bank), -1 right (east bank). */
  ganSide(p: LonLat): 1 | -1 {
    const x = this.frame.x(p[0]);
    const y = this.frame.y(p[1]);
    let best = -1;
    let bestD = Infinity;
    const consider = (i: number) => {
      const s = this.gan[i]!.p;
      const d = (s[0] - x) ** 2 + (s[1] - y) ** 2;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    };
    const bx = Math.floor(x / GAN_BUCKET_M);
    const by = Math.floor(y / GAN_BUCKET_M);
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) for (const i of this.ganBuckets.get((by + dy) * 100_000 + bx + dx) ?? []) consider(i);
    if (best < 0) for (let i = 0; i < this.gan.length; i++) consider(i);
    const st = this.gan[best];
    if (!st) return 1;
    return (x - st.p[0]) * st.n[0] + (y - st.p[1]) * st.n[1] >= 0 ? 1 : -1;
  }
}

/**
 * A polyline with each corner rounded off over `radius` metres either side (a quadratic Bézier),
 * and the straight reaches in between left exactly where they were.
 */
function roundCorners(pts: XY[], radius: number): XY[] {
  const out: XY[] = [pts[0]!];
  for (let i = 1; i + 1 < pts.length; i++) {
    const a = pts[i - 1]!;
    const v = pts[i]!;
    const b = pts[i + 1]!;
    const d = Math.min(radius, dist(a, v) / 2, dist(v, b) / 2);
    const p0 = lerp(v, a, d / dist(a, v));
    const p2 = lerp(v, b, d / dist(v, b));
    for (let k = 0; k <= 8; k++) {
      const t = k / 8;
      out.push([(1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * v[0] + t * t * p2[0], (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * v[1] + t * t * p2[1]]);
    }
  }
  out.push(pts[pts.length - 1]!);
  return out;
}

/**
 * Stations every RIVER_STATION_M along a course, with their left normals. Only the corners are
 * rounded, so the Gan's centre stays on GAN_RIVER, the line the region tree splits the banks by.
 */
function stationsAlong(course: XY[]): Station[] {
  const pts = resample(roundCorners(course, 900), RIVER_STATION_M);
  return pts.map((p, i) => {
    const a = pts[Math.max(0, i - 1)]!;
    const b = pts[Math.min(pts.length - 1, i + 1)]!;
    const len = dist(a, b) || 1;
    return { p, n: [-(b[1] - a[1]) / len, (b[0] - a[0]) / len] };
  });
}

/** The longest run of stations inside a box. */
function clipStations(st: Station[], box: { minX: number; minY: number; maxX: number; maxY: number }): Station[] {
  let best: Station[] = [];
  let run: Station[] = [];
  for (const s of st) {
    const inside = s.p[0] >= box.minX && s.p[0] <= box.maxX && s.p[1] >= box.minY && s.p[1] <= box.maxY;
    if (inside) run.push(s);
    if (!inside || s === st[st.length - 1]) {
      if (run.length > best.length) best = run;
      run = [];
    }
  }
  return best;
}

/** Smooth width noise: a sum of two sines with random phases and wavelengths. */
function widthNoise(rng: Rng, amp: number): (s: number) => number {
  const w1 = rng.float(5_000, 9_000);
  const w2 = rng.float(1_800, 3_200);
  const p1 = rng.float(0, 2 * Math.PI);
  const p2 = rng.float(0, 2 * Math.PI);
  return (s) => 1 + amp * (0.65 * Math.sin((2 * Math.PI * s) / w1 + p1) + 0.35 * Math.sin((2 * Math.PI * s) / w2 + p2));
}

/** A river's polygon: left bank downstream, then the right bank back up. */
function riverRing(st: Station[], widthM: number, rng: Rng): { ring: XY[]; left: XY[]; right: XY[] } {
  const base = widthNoise(rng, 0.2);
  const skew = widthNoise(rng, 0.12);
  const left: XY[] = [];
  const right: XY[] = [];
  st.forEach((s, i) => {
    const half = (widthM / 2) * base(i * RIVER_STATION_M);
    const k = skew(i * RIVER_STATION_M) - 1;
    left.push([s.p[0] + s.n[0] * half * (1 + k), s.p[1] + s.n[1] * half * (1 + k)]);
    right.push([s.p[0] - s.n[0] * half * (1 - k), s.p[1] - s.n[1] * half * (1 - k)]);
  });
  const ring = [...right, ...left.slice().reverse(), right[0]!];
  return { ring: ringArea(ring) < 0 ? ring.reverse() : ring, left, right };
}

interface Obstacle {
  x: number;
  y: number;
  /** Clearance the shore keeps from it, metres. */
  m: number;
}

/**
 * A lake near its real place: an ellipse with a wobbly shore. Hard obstacles (rivers, railways,
 * expressways) pull the shore in, with a clearance; soft ones (compounds, facilities, watch
 * zones: they can move ashore afterwards) only count against a candidate. Several centres around
 * the nominal one are tried; the one keeping most of the lake, covering the fewest soft
 * obstacles and straying least wins.
 */
function shapeLake(spec: LakeSpec, frame: LocalFrame, hard: readonly Obstacle[], soft: readonly XY[], rng: Rng): XY[] | null {
  const c0: XY = [frame.x(spec.center[0]), frame.y(spec.center[1])];
  const [a, b] = spec.semiAxesM;
  const rot = (spec.rotationDeg * Math.PI) / 180;
  const harmonics = [2, 3, 4, 5, 7].map((k) => ({ k, amp: rng.float(0.03, 0.09) / Math.sqrt(k - 1), phase: rng.float(0, 2 * Math.PI) }));
  const dTheta = (2 * Math.PI) / LAKE_VERTICES;
  const nominal = new Float64Array(LAKE_VERTICES);
  for (let k = 0; k < LAKE_VERTICES; k++) {
    const th = k * dTheta;
    const t = th - rot;
    let f = 1;
    for (const h of harmonics) f += h.amp * Math.sin(h.k * th + h.phase);
    nominal[k] = f / Math.sqrt((Math.cos(t) / a) ** 2 + (Math.sin(t) / b) ** 2);
  }
  const areaOf = (r: Float64Array) => r.reduce((s, x) => s + 0.5 * x * x * dTheta, 0);
  const nominalArea = areaOf(nominal);
  const reach = Math.max(a, b) * 1.5;
  const box = (o: { x: number; y: number }, pad: number) => Math.abs(o.x - c0[0]) < pad && Math.abs(o.y - c0[1]) < pad;
  const nearHard = hard.filter((o) => box(o, 2 * reach + o.m));
  const nearSoft = soft.filter((p) => box({ x: p[0], y: p[1] }, 2 * reach));

  const radiiAt = (c: XY): Float64Array | null => {
    const r = Float64Array.from(nominal);
    for (const o of nearHard) {
      const dx = o.x - c[0];
      const dy = o.y - c[1];
      const d = Math.hypot(dx, dy);
      if (d > reach + o.m) continue;
      if (d < o.m + 0.25 * Math.min(a, b)) return null; // the centre itself is not clear
      // Every vertex within the obstacle's angular width (and one more each side) is pulled in.
      const phi = Math.atan2(dy, dx);
      const w = Math.asin(Math.min(1, o.m / d)) + 1.5 * dTheta;
      const cap = d - o.m;
      const k0 = Math.ceil((phi - w) / dTheta);
      const k1 = Math.floor((phi + w) / dTheta);
      for (let k = k0; k <= k1; k++) {
        const i = ((k % LAKE_VERTICES) + LAKE_VERTICES) % LAKE_VERTICES;
        if (r[i]! > cap) r[i] = cap;
      }
    }
    // Limit how fast the shore may step in or out, so coves are bays rather than slots.
    const maxStep = 0.8 * dTheta * Math.sqrt(a * b);
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < 2 * LAKE_VERTICES; k++) {
        const j = (k + 1) % LAKE_VERTICES;
        r[j] = Math.min(r[j]!, r[k % LAKE_VERTICES]! + maxStep);
      }
      for (let k = 2 * LAKE_VERTICES; k > 0; k--) {
        const j = (k - 1) % LAKE_VERTICES;
        r[j] = Math.min(r[j]!, r[k % LAKE_VERTICES]! + maxStep);
      }
    }
    return r;
  };
  const ringAt = (c: XY, r: Float64Array): XY[] => {
    const ring: XY[] = [];
    for (let k = 0; k < LAKE_VERTICES; k++) ring.push([c[0] + r[k]! * Math.cos(k * dTheta), c[1] + r[k]! * Math.sin(k * dTheta)]);
    ring.push(ring[0]!);
    return ring;
  };

  let best: { ring: XY[]; area: number; score: number } | undefined;
  const steps = [-0.5, -0.25, 0, 0.25, 0.5];
  for (const u of steps) {
    for (const v of steps) {
      // Offsets along the lake's own axes.
      const c: XY = [c0[0] + u * a * Math.cos(rot) - v * b * Math.sin(rot), c0[1] + u * a * Math.sin(rot) + v * b * Math.cos(rot)];
      const r = radiiAt(c);
      if (!r) continue;
      const ring = ringAt(c, r);
      const index = new RingIndex(ring);
      let covered = 0;
      for (const p of nearSoft) if (index.contains(p[0], p[1])) covered++;
      const area = areaOf(r);
      const score = area / nominalArea - 0.01 * covered - 0.3 * Math.hypot(u, v);
      if (!best || score > best.score) best = { ring, area, score };
    }
  }
  return best && best.area >= 0.3 * nominalArea ? best.ring : null;
}

/** An irregular blob (parks), counter-clockwise and closed. */
function blob(c: XY, a: number, b: number, rot: number, vertices: number, rng: Rng): XY[] {
  const harmonics = [2, 3, 4].map((k) => ({ k, amp: rng.float(0.02, 0.08), phase: rng.float(0, 2 * Math.PI) }));
  const ring: XY[] = [];
  for (let k = 0; k < vertices; k++) {
    const th = (2 * Math.PI * k) / vertices;
    let f = 1;
    for (const h of harmonics) f += h.amp * Math.sin(h.k * th + h.phase);
    const ex = a * f * Math.cos(th);
    const ey = b * f * Math.sin(th);
    ring.push([c[0] + ex * Math.cos(rot) - ey * Math.sin(rot), c[1] + ex * Math.sin(rot) + ey * Math.cos(rot)]);
  }
  ring.push(ring[0]!);
  return ring;
}

// ---------------------------------------------------------------------------------------------
// Roads
// ---------------------------------------------------------------------------------------------

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
function cutByWater(pts: XY[], tags: readonly number[], cls: RoadClass, bridged: boolean, water: WaterIndex): RoadPiece[] {
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

function lineLength(pts: readonly XY[]): number {
  let s = 0;
  for (let i = 0; i + 1 < pts.length; i++) s += dist(pts[i]!, pts[i + 1]!);
  return s;
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
  const runs = <T extends { c: number }>(index: number, list: T[], key: (t: T) => number, from: number, to: number): LatticeLine[] => {
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

// ---------------------------------------------------------------------------------------------
// The basemap
// ---------------------------------------------------------------------------------------------

export interface BasemapObjects {
  facilities: readonly Facility[];
  smartCommunities: readonly SmartCommunity[];
  zones: readonly Zone[];
  railways: readonly Railway[];
}

export interface Basemap {
  features: BasemapFeature[];
  water: WaterIndex;
}

export function buildBasemap(ctx: CityContext, scale: 'full' | 'small', objects: BasemapObjects, rng: Rng): Basemap {
  const settings = SETTINGS[scale];
  const frame = ctx.lat.frame;
  const toXY = (p: readonly [number, number]): XY => [frame.x(p[0]), frame.y(p[1])];
  const toLonLat = (p: XY): LonLat => [round6(frame.lon(p[0])), round6(frame.lat(p[1]))];
  const ring = (pts: XY[]): LonLat[] => {
    const r = pts.map(toLonLat);
    r[r.length - 1] = r[0]!; // stays closed after rounding
    return r;
  };

  // The city's box in metres, and a margin around it that water and roads may run into.
  const city = ctx.tree.regions.find((r) => r.level === 'city')!;
  const box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const poly of city.boundary) for (const p of poly[0]!) {
    const [x, y] = toXY(p);
    box.minX = Math.min(box.minX, x);
    box.minY = Math.min(box.minY, y);
    box.maxX = Math.max(box.maxX, x);
    box.maxY = Math.max(box.maxY, y);
  }
  const margin = 3_000;
  const outer = { minX: box.minX - margin, minY: box.minY - margin, maxX: box.maxX + margin, maxY: box.maxY + margin };
  const inCity = (p: XY): boolean => ctx.locator.locate(toLonLat(p)) !== null;

  const features: BasemapFeature[] = [];
  const waterRng = rng.fork('water');

  // --- rivers -------------------------------------------------------------------------------
  const bodies: WaterBody[] = [];
  const ganStations = clipStations(stationsAlong(GAN_RIVER.map(toXY)), outer);
  const gan = riverRing(ganStations, GAN_WIDTH_M, waterRng.fork('gan'));
  bodies.push({ kind: 'gan', name: '赣江', ring: gan.ring, index: new RingIndex(gan.ring), line: ganStations.map((s) => s.p) });
  const fuStations = clipStations(stationsAlong(FU_RIVER.line.map(toXY)), outer);
  if (fuStations.length >= 2) {
    const fu = riverRing(fuStations, FU_RIVER.widthM, waterRng.fork('fu'));
    bodies.push({ kind: 'tributary', name: FU_RIVER.name, ring: fu.ring, index: new RingIndex(fu.ring), line: fuStations.map((s) => s.p) });
  }

  // --- expressways (lakes keep clear of them) -------------------------------------------------
  const roadRng = rng.fork('roads');
  const motorways: { name: string; pts: XY[] }[] = [];
  {
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
  }

  // --- lakes ----------------------------------------------------------------------------------
  const hard: Obstacle[] = [];
  for (const r of objects.railways) for (const p of resample(r.line.map(toXY), 50)) hard.push({ x: p[0], y: p[1], m: 80 });
  for (const m of motorways) for (const p of resample(m.pts, 50)) hard.push({ x: p[0], y: p[1], m: 80 });
  for (const b of bodies) for (const p of resample(b.ring, 50)) hard.push({ x: p[0], y: p[1], m: 250 });
  const soft: XY[] = [
    ...objects.facilities.map((f) => toXY(f.position)),
    ...objects.smartCommunities.map((sc) => toXY(sc.center)),
    ...objects.zones.flatMap((z) => (z.shape.type === 'circle' ? [toXY(z.shape.center)] : [])),
  ];
  const lakes: { spec: LakeSpec; ring: XY[] }[] = [];
  for (const spec of LAKES) {
    if (!inCity(toXY(spec.center))) continue;
    const lakeRing = shapeLake(spec, frame, hard, soft, waterRng.fork(spec.name));
    if (!lakeRing) continue;
    lakes.push({ spec, ring: lakeRing });
    bodies.push({ kind: 'lake', name: spec.name, ring: lakeRing, index: new RingIndex(lakeRing) });
  }
  const water = new WaterIndex(frame, bodies, ganStations);

  let nWater = 0;
  for (const b of bodies) {
    features.push({
      id: `water-${String(++nWater).padStart(2, '0')}`,
      kind: 'water',
      class: b.kind === 'lake' ? 'lake' : 'river',
      name: b.name,
      geometry: { type: 'Polygon', coordinates: [ring(b.ring)] },
    });
  }
  // River centre lines: labels along the river, and a thin line where the river is under a pixel.
  for (const b of bodies) {
    if (!b.line) continue;
    features.push({
      id: `water-${String(++nWater).padStart(2, '0')}`,
      kind: 'water',
      class: 'waterway',
      name: b.name,
      geometry: { type: 'LineString', coordinates: resample(b.line, 400).map(toLonLat) },
    });
  }

  // --- roads ----------------------------------------------------------------------------------
  const roads: { cls: RoadClass; name: string; pts: XY[]; bridge: boolean }[] = [];
  for (const m of motorways) {
    for (const piece of cutByWater(m.pts, [], 'motorway', true, water)) roads.push({ cls: 'motorway', name: m.name, pts: piece.pts, bridge: false });
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
    for (const piece of cutByWater(pts, tags, cls, bridged, water)) roads.push({ cls, name: stretches[piece.tag]!.name, pts: piece.pts, bridge: piece.bridge });
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
    features.push({ id: `road-${String(++nRoad).padStart(4, '0')}`, kind: 'road', class: r.cls, name: r.name, geometry: { type: 'LineString', coordinates } });
  }

  // --- green ----------------------------------------------------------------------------------
  const greenRng = rng.fork('green');
  const parks: { name: string; ring: XY[]; c: XY; r: number }[] = [];
  const dry = (pts: readonly XY[]) => pts.every((p) => water.kindAt(p[0], p[1]) === null);
  const clear = (c: XY, r: number) => parks.every((p) => dist(p.c, c) > p.r + r + 100);
  for (const lake of lakes) {
    if (!lake.spec.park) continue;
    const c = centroid(lake.ring);
    const grown = lake.ring.map((p): XY => [c[0] + (p[0] - c[0]) * 1.28, c[1] + (p[1] - c[1]) * 1.28]);
    parks.push({ name: lake.spec.park, ring: grown, c, r: maxRadius(grown, c) });
  }
  for (const spec of PARKS) {
    const c = toXY(spec.center);
    const ringXY = blob(c, spec.semiAxesM[0], spec.semiAxesM[1], greenRng.float(-0.4, 0.4), 40, greenRng);
    if (!inCity(c) || !dry(ringXY) || !clear(c, Math.max(...spec.semiAxesM))) continue;
    parks.push({ name: spec.name, ring: ringXY, c, r: Math.max(...spec.semiAxesM) });
  }
  for (const rp of RIVERSIDE_PARKS) {
    const sign = rp.bank === 'left' ? 1 : -1;
    const bank = rp.bank === 'left' ? gan.left : gan.right;
    const inner: XY[] = [];
    const outerEdge: XY[] = [];
    ganStations.forEach((s, i) => {
      const lat = frame.lat(s.p[1]);
      if (lat < rp.lat[0] || lat > rp.lat[1]) return;
      // From just under the water's edge (the water is drawn over it) to 200 m inland.
      const b = bank[i]!;
      const p1: XY = [b[0] - sign * s.n[0] * 20, b[1] - sign * s.n[1] * 20];
      const p2: XY = [b[0] + sign * s.n[0] * 200, b[1] + sign * s.n[1] * 200];
      if (!inCity(p1) || !inCity(p2) || !dry([p2])) return;
      inner.push(p1);
      outerEdge.push(p2);
    });
    if (inner.length < 8) continue;
    const strip = [...inner, ...outerEdge.reverse(), inner[0]!];
    parks.push({ name: rp.name, ring: ringArea(strip) < 0 ? strip.reverse() : strip, c: centroid(strip), r: 0 });
  }
  // Neighbourhood parks, more of them downtown.
  const usedNames = new Set<string>(parks.map((p) => p.name));
  const cumulative = new Float64Array(ctx.lat.n);
  for (let c = 0, acc = 0; c < ctx.lat.n; c++) cumulative[c] = acc += Math.exp(-ctx.lat.r[c]! / ctx.cfg.densityScaleM);
  for (let tries = 0, placed = 0; placed < settings.neighbourhoodParks && tries < settings.neighbourhoodParks * 30; tries++) {
    const cell = pickCumulative(cumulative, greenRng.next());
    const c = toXY(randomCellPoint(ctx.lat, cell, greenRng, 0.2));
    const a = greenRng.float(110, 260);
    const ringXY = blob(c, a, a * greenRng.float(0.6, 1), greenRng.float(0, Math.PI), 20, greenRng);
    if (!dry(ringXY) || !clear(c, a) || !ringXY.every(inCity)) continue;
    parks.push({ name: uniqueName(greenRng, usedNames, '公园'), ring: ringXY, c, r: a });
    placed++;
  }
  parks.forEach((p, k) => {
    features.push({
      id: `green-${String(k + 1).padStart(3, '0')}`,
      kind: 'green',
      class: 'park',
      name: p.name,
      geometry: { type: 'Polygon', coordinates: [ring(p.ring)] },
    });
  });

  return { features, water };
}

/** Index drawn in proportion to weight, from cumulative weights and a uniform u in [0, 1). */
function pickCumulative(cumulative: Float64Array, u: number): number {
  const target = u * cumulative[cumulative.length - 1]!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (cumulative[m]! > target) hi = m;
    else lo = m + 1;
  }
  return lo;
}

function mid(pts: readonly XY[]): XY {
  return pts[Math.floor(pts.length / 2)]!;
}

function centroid(ring: readonly XY[]): XY {
  let x = 0;
  let y = 0;
  const n = ring.length - 1;
  for (let i = 0; i < n; i++) {
    x += ring[i]![0];
    y += ring[i]![1];
  }
  return [x / n, y / n];
}

function maxRadius(ring: readonly XY[], c: XY): number {
  return ring.reduce((m, p) => Math.max(m, dist(p, c)), 0);
}

/** Drop consecutive repeated points (rounding can make two near points one). */
function dedupe(line: LonLat[]): LonLat[] {
  return line.filter((p, i) => i === 0 || p[0] !== line[i - 1]![0] || p[1] !== line[i - 1]![1]);
}

// ---------------------------------------------------------------------------------------------
// Moving what the water covers onto dry land
// ---------------------------------------------------------------------------------------------

export interface ShoreObjects {
  streetCameras: Camera[];
  communityCameras: Camera[];
  smartCommunities: SmartCommunity[];
  facilities: Facility[];
  zones: Zone[];
  units: Unit[];
}

/**
 * Objects the water covers, moved onto dry land on the same bank of the Gan: to a dry spot of
 * their own grid, or, where the grid is all water, of the nearest grid that keeps them valid —
 * the same street for cameras, facilities, landmarks and compounds (their device ids carry the
 * street), the same community for key-person circles (their names carry it), the home region for
 * units; and no second facility of a kind, landmark or compound in a grid. Compounds move as a
 * whole with their gates and cameras, by whole micro-degrees, so every relative position stays
 * exact; a facility's circle moves with it. Dry objects are returned as they are, in order.
 */
export function moveAshore(ctx: CityContext, water: WaterIndex, objs: ShoreObjects, rng: Rng): ShoreObjects {
  const { lat, tree } = ctx;
  const noDryPoint = new Set<number>();
  const cellOf = (gridCode: string): number => ctx.cellOfGrid.get(gridCode)!;
  /** The bank a cell is on: its district's, as the region tree split them (see regions.ts). */
  const sideOfCell = (cell: number): 1 | -1 => {
    const bank = ctx.cfg.districts[tree.cellDistrict[cell]!]!.bank;
    return bank === 'west' ? 1 : bank === 'east' ? -1 : water.ganSide([lat.clon[cell]!, lat.clat[cell]!]);
  };
  const streetCells = (cell: number) => tree.streets[tree.cellStreet[cell]!]!.cells;
  const communityCells = (cell: number) => tree.communities[tree.cellCommunity[cell]!]!.cells;

  /** A dry point inside the cell on the given bank, or null (after 40 failures, for good). */
  const dryPoint = (cell: number, margin: number, side: 1 | -1, tries: number): LonLat | null => {
    if (noDryPoint.has(cell)) return null;
    for (let t = 0; t < tries; t++) {
      const p = randomCellPoint(lat, cell, rng, margin);
      if (!water.isWet(p) && water.ganSide(p) === side) return p;
    }
    if (tries >= 40) noDryPoint.add(cell);
    return null;
  };
  /** The object's own cell first, then the nearest cells of `pool` that `ok` allows. */
  function* candidates(cell: number, pool: readonly number[], ok: (k: number) => boolean): Generator<number> {
    yield cell;
    const x0 = lat.cx[cell]!;
    const y0 = lat.cy[cell]!;
    const d2 = (k: number) => (lat.cx[k]! - x0) ** 2 + (lat.cy[k]! - y0) ** 2;
    const others = pool.filter((k) => k !== cell && ok(k) && !noDryPoint.has(k)).sort((a, b) => d2(a) - d2(b) || a - b);
    yield* others.slice(0, 40);
  }
  const relocate = (cell: number, margin: number, pool: readonly number[], ok: (k: number) => boolean = () => true): { cell: number; p: LonLat } | null => {
    const side = sideOfCell(cell);
    for (const k of candidates(cell, pool, ok)) {
      const p = dryPoint(k, margin, side, k === cell ? 40 : 12);
      if (p) return { cell: k, p };
    }
    return null;
  };

  const streetCameras = objs.streetCameras.map((c): Camera => {
    if (!water.isWet(c.position)) return c;
    const cell = cellOf(c.gridCode);
    const to = relocate(cell, 0.05, streetCells(cell));
    return to ? { ...c, position: to.p, gridCode: tree.gridCode[to.cell]! } : c;
  });

  // Facilities: at most one of a kind per grid.
  const taken = new Map<string, Set<number>>();
  for (const f of objs.facilities) {
    if (!taken.has(f.kind)) taken.set(f.kind, new Set());
    taken.get(f.kind)!.add(cellOf(f.gridCode));
  }
  const movedFacility = new Map<string, { p: LonLat; gridCode: string }>();
  const facilities = objs.facilities.map((f): Facility => {
    if (!water.isWet(f.position)) return f;
    const cell = cellOf(f.gridCode);
    const used = taken.get(f.kind)!;
    const to = relocate(cell, 0.15, streetCells(cell), (k) => !used.has(k));
    if (!to) return f;
    used.delete(cell);
    used.add(to.cell);
    const moved = { p: to.p, gridCode: tree.gridCode[to.cell]! };
    movedFacility.set(f.id, moved);
    return { ...f, position: moved.p, gridCode: moved.gridCode };
  });

  // Circles: a facility's circle follows it; landmarks one per grid, key persons in their community.
  const landmarkCells = new Set(objs.zones.filter((z) => z.kind === 'landmark').map((z) => cellOf(z.gridCode)));
  const zones = objs.zones.map((z): Zone => {
    if (z.shape.type !== 'circle') return z;
    const follow = movedFacility.get(z.id.replace(/^zone-/, ''));
    if (follow && (z.kind === 'hospital' || z.kind === 'school')) return { ...z, shape: { ...z.shape, center: follow.p }, gridCode: follow.gridCode };
    if (!water.isWet(z.shape.center) || (z.kind !== 'key_person' && z.kind !== 'landmark')) return z;
    const cell = cellOf(z.gridCode);
    const to =
      z.kind === 'landmark'
        ? relocate(cell, 0.1, streetCells(cell), (k) => !landmarkCells.has(k))
        : relocate(cell, 0.1, communityCells(cell));
    if (!to) return z;
    if (z.kind === 'landmark') {
      landmarkCells.delete(cell);
      landmarkCells.add(to.cell);
    }
    return { ...z, shape: { ...z.shape, center: to.p }, gridCode: tree.gridCode[to.cell]! };
  });

  // Compounds: one per grid; moved whole by a translation that fits the target cell.
  const compoundCells = new Set(objs.smartCommunities.map((sc) => cellOf(sc.gridCode)));
  const shifts = new Map<string, { d: LonLat; gridCode: string }>(); // old gridCode → move
  const smartCommunities = objs.smartCommunities.map((sc): SmartCommunity => {
    if (!compoundProbe(sc).some((p) => water.isWet(p))) return sc;
    const cell = cellOf(sc.gridCode);
    const side = sideOfCell(cell);
    for (const k of candidates(cell, streetCells(cell), (k) => !compoundCells.has(k))) {
      for (let t = 0; t < (k === cell ? 40 : 12); t++) {
        const target = randomCellPoint(lat, k, rng, 0.2);
        const d: LonLat = [round6(target[0] - sc.center[0]), round6(target[1] - sc.center[1])];
        const move = (p: LonLat): LonLat => [round6(p[0] + d[0]), round6(p[1] + d[1])];
        const ring = sc.boundary[0]!.map(move);
        if (!ring.every((p) => strictlyInCell(ctx, k, p))) continue;
        const center = move(sc.center);
        if (compoundProbe({ boundary: [ring], center }).some((p) => water.isWet(p) || water.ganSide(p) !== side)) continue;
        compoundCells.delete(cell);
        compoundCells.add(k);
        const gridCode = tree.gridCode[k]!;
        shifts.set(sc.gridCode, { d, gridCode });
        return { ...sc, boundary: [ring], center, gridCode, gates: sc.gates.map((g) => ({ ...g, position: move(g.position) })) };
      }
    }
    return sc;
  });
  const communityCameras = objs.communityCameras.map((c): Camera => {
    const s = shifts.get(c.gridCode);
    return s ? { ...c, position: [round6(c.position[0] + s.d[0]), round6(c.position[1] + s.d[1])], gridCode: s.gridCode } : c;
  });

  // Units stay in their home region (a grid for grid workers, a street or district for others).
  const units = objs.units.map((u): Unit => {
    if (!water.isWet(u.position)) return u;
    const code = ctx.locator.locate(u.position);
    if (code === null) return u;
    const cell = cellOf(code);
    const to = relocate(cell, 0.1, streetCells(cell), (k) => tree.gridCode[k]!.startsWith(u.homeRegionCode));
    return to ? { ...u, position: to.p } : u;
  });

  return { streetCameras, communityCameras, smartCommunities, facilities, zones, units };
}

/** Corners, edge midpoints, centre and interior points of a compound: where water must not be. */
function compoundProbe(sc: Pick<SmartCommunity, 'boundary' | 'center'>): LonLat[] {
  const q = sc.boundary[0]!.slice(0, 4);
  const out: LonLat[] = [...q, sc.center];
  for (let k = 0; k < 4; k++) {
    const a = q[k]!;
    const b = q[(k + 1) % 4]!;
    out.push([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]);
    out.push([(a[0] + sc.center[0]) / 2, (a[1] + sc.center[1]) / 2]);
  }
  return out;
}

/** Strictly inside a (convex, counter-clockwise) lattice cell, by a hair. */
function strictlyInCell(ctx: CityContext, cell: number, p: LonLat): boolean {
  const { lat } = ctx;
  for (let k = 0; k < 4; k++) {
    const a = lat.corners[4 * cell + k]!;
    const b = lat.corners[4 * cell + ((k + 1) % 4)]!;
    const cross = (lat.vLon[b]! - lat.vLon[a]!) * (p[1] - lat.vLat[a]!) - (lat.vLat[b]! - lat.vLat[a]!) * (p[0] - lat.vLon[a]!);
    if (cross <= 1e-11) return false;
  }
  return true;
}
