/**
 * The basemap's lakes: each near its real place (basemap-places.ts), an ellipse with a wobbly
 * shore. Shores keep clear of the rivers, railways and expressways, and of the candidate places
 * tried the one covering least of the city wins (what a lake still covers moves ashore later,
 * ashore.ts).
 */
import type { Facility, Railway, SmartCommunity, Zone } from '@shared/world';
import { LAKES, type LakeSpec } from './basemap-places';
import type { LocalFrame } from './geo';
import { resample, RingIndex, type Plane, type XY } from './plane';
import type { Rng } from './random';
import type { WaterBody } from './water';

const LAKE_VERTICES = 96;

/** What is on the land before there is water: lakes are shaped around it. */
export interface BasemapObjects {
  facilities: readonly Facility[];
  smartCommunities: readonly SmartCommunity[];
  zones: readonly Zone[];
  railways: readonly Railway[];
}

export interface Lake {
  spec: LakeSpec;
  ring: XY[];
}

/**
 * The lakes that lie in the city, in LAKES order, each from its own stream of the basemap's `water`
 * stream. Hard obstacles: railways, expressways (`motorways`) and the rivers; soft ones: compounds,
 * facilities and circle zones.
 */
export function buildLakes(
  plane: Plane,
  objects: BasemapObjects,
  motorways: readonly { pts: XY[] }[],
  rivers: readonly WaterBody[],
  waterRng: Rng,
): Lake[] {
  const { frame, toXY, inCity } = plane;
  const hard: Obstacle[] = [];
  for (const r of objects.railways)
    for (const p of resample(r.line.map(toXY), 50)) hard.push({ x: p[0], y: p[1], m: 80 });
  for (const m of motorways) for (const p of resample(m.pts, 50)) hard.push({ x: p[0], y: p[1], m: 80 });
  for (const b of rivers) for (const p of resample(b.ring, 50)) hard.push({ x: p[0], y: p[1], m: 250 });
  const soft: XY[] = [
    ...objects.facilities.map((f) => toXY(f.position)),
    ...objects.smartCommunities.map((sc) => toXY(sc.center)),
    ...objects.zones.flatMap((z) => (z.shape.type === 'circle' ? [toXY(z.shape.center)] : [])),
  ];
  const lakes: Lake[] = [];
  for (const spec of LAKES) {
    if (!inCity(toXY(spec.center))) continue;
    const lakeRing = shapeLake(spec, frame, hard, soft, waterRng.fork(spec.name));
    if (!lakeRing) continue;
    lakes.push({ spec, ring: lakeRing });
  }
  return lakes;
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
function shapeLake(
  spec: LakeSpec,
  frame: LocalFrame,
  hard: readonly Obstacle[],
  soft: readonly XY[],
  rng: Rng,
): XY[] | null {
  const c0: XY = [frame.x(spec.center[0]), frame.y(spec.center[1])];
  const [a, b] = spec.semiAxesM;
  const rot = (spec.rotationDeg * Math.PI) / 180;
  const harmonics = [2, 3, 4, 5, 7].map((k) => ({
    k,
    amp: rng.float(0.03, 0.09) / Math.sqrt(k - 1),
    phase: rng.float(0, 2 * Math.PI),
  }));
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
    for (let k = 0; k < LAKE_VERTICES; k++)
      ring.push([c[0] + r[k]! * Math.cos(k * dTheta), c[1] + r[k]! * Math.sin(k * dTheta)]);
    ring.push(ring[0]!);
    return ring;
  };

  let best: { ring: XY[]; area: number; score: number } | undefined;
  const steps = [-0.5, -0.25, 0, 0.25, 0.5];
  for (const u of steps) {
    for (const v of steps) {
      // Offsets along the lake's own axes.
      const c: XY = [
        c0[0] + u * a * Math.cos(rot) - v * b * Math.sin(rot),
        c0[1] + u * a * Math.sin(rot) + v * b * Math.cos(rot),
      ];
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
