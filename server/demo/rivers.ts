/**
 * The basemap's rivers: the Gan (赣江) and its tributary the Fu (抚河), as polygons whose width
 * wanders smoothly along their course. The Gan's centre is GAN_RIVER itself (only its corners are
 * rounded), the line the region tree splits the banks by, so west-bank districts stay west of the
 * water and east-bank ones east.
 */
import { GAN_RIVER } from './config';
import { FU_RIVER, GAN_WIDTH_M } from './basemap-places';
import { dist, lerp, resample, ringArea, RingIndex, type Box, type Plane, type XY } from './plane';
import type { Rng } from './random';
import type { Station, WaterBody } from './water';

/** Stations along a river, metres apart. */
const RIVER_STATION_M = 100;

export interface Rivers {
  /** The Gan and, where it reaches the city, the Fu. */
  bodies: WaterBody[];
  /** The Gan's stations, and its banks at each station (left and right, seen going downstream). */
  gan: { stations: Station[]; left: XY[]; right: XY[] };
}

/** The rivers within `outer` (the city's box with a margin), from the basemap's `water` stream. */
export function buildRivers(plane: Plane, outer: Box, waterRng: Rng): Rivers {
  const { toXY } = plane;
  const bodies: WaterBody[] = [];
  const ganStations = clipStations(stationsAlong(GAN_RIVER.map(toXY)), outer);
  const gan = riverRing(ganStations, GAN_WIDTH_M, waterRng.fork('gan'));
  bodies.push({
    kind: 'gan',
    name: '赣江',
    ring: gan.ring,
    index: new RingIndex(gan.ring),
    line: ganStations.map((s) => s.p),
  });
  const fuStations = clipStations(stationsAlong(FU_RIVER.line.map(toXY)), outer);
  if (fuStations.length >= 2) {
    const fu = riverRing(fuStations, FU_RIVER.widthM, waterRng.fork('fu'));
    bodies.push({
      kind: 'tributary',
      name: FU_RIVER.name,
      ring: fu.ring,
      index: new RingIndex(fu.ring),
      line: fuStations.map((s) => s.p),
    });
  }
  return { bodies, gan: { stations: ganStations, left: gan.left, right: gan.right } };
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
      out.push([
        (1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * v[0] + t * t * p2[0],
        (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * v[1] + t * t * p2[1],
      ]);
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
function clipStations(st: Station[], box: Box): Station[] {
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
