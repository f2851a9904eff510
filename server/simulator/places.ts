/**
 * Where the event model's events happen and who they name (model.ts): gates drawn in proportion to
 * their compound's residents per gate of the kind, the residents a gate's events may name (all
 * living in its compound but the hidden ones), cameras by the detections they see, points along
 * railway fences, and report points in grids or at schools, hospitals and fences.
 *
 * Residents living alone are watched by the absence rule (no access for 48 h → an alarm). Every
 * 7th of them in id order (`hiddenResidents`) is never named, so the demo city keeps raising
 * absence alarms as their last access (stored with the city) ages; the rest pass a gate every few
 * hours.
 */
import type { LonLat } from '@shared/world';
import { round6 } from '@shared/geo';
import { cumulativeLengths, offsetM, pointAlong, pointInMultiPolygon } from '@server/demo/geo';
import { createGridLocator, type GridLocator } from '@server/demo/locate';
import type { Rng } from '@server/demo/random';
import { CAMERA_TYPES, type CameraType, type RiskCategory } from './event-mix';
import type { SimWorld } from './world';

/** Every this-many-th resident living alone (in id order, from the first) is never named by the simulator. */
export const HIDDEN_EVERY = 7;

/** The residents living alone the simulator never names (see the file comment). */
export function hiddenResidents(residents: readonly { id: string; livingAlone: boolean }[]): Set<string> {
  const alone = residents
    .filter((r) => r.livingAlone)
    .map((r) => r.id)
    .sort();
  return new Set(alone.filter((_, i) => i % HIDDEN_EVERY === 0));
}

/** Report points scatter up to this far from a grid's centre (kept only inside the grid). */
const REPORT_JITTER_M = 150;
/** Fence intrusions lie at most this far from the centre line (and never beyond 60 % of the half-width). */
const FENCE_OFFSET_M = 12;

/** The pickers the event model draws places, devices and residents from, for one world. */
export function buildPickers(world: SimWorld) {
  const allCameras = world.cameras;
  const byType = new Map<CameraType, readonly { id: string }[]>();
  for (const t of CAMERA_TYPES) {
    const fit = allCameras.filter((c) => c.kind !== undefined && t.kinds.includes(c.kind));
    byType.set(t.type, fit.length ? fit : allCameras);
  }
  const schools = world.facilities.filter((f) => f.kind === 'school' && f.position);
  const hospitals = world.facilities.filter((f) => f.kind === 'hospital' && f.position);

  // Fences weighted by length; a point along one, then sideways by a few metres.
  const fences = world.fences
    .filter((f) => f.line.length >= 2)
    .map((f) => {
      const cum = cumulativeLengths(f.line);
      return { f, cum, length: cum[cum.length - 1]! };
    })
    .filter((x) => x.length > 0);
  const fenceWeights = fences.map((x) => x.length);
  // With boundaries, a fence point near the city's edge is checked to lie in some grid.
  const withBoundary = world.grids.filter((g) => g.boundary);
  const locator: GridLocator | null = withBoundary.length
    ? createGridLocator(
        withBoundary.map((g) => ({
          code: g.code,
          parentCode: null,
          level: 'grid',
          name: g.code,
          boundary: g.boundary!,
          center: g.center,
        })),
      )
    : null;

  const fencePoint = (rng: Rng): { p: LonLat; zoneId: string; railwayId: string | null; offsetM: number } => {
    const x = fences[rng.weightedIndex(fenceWeights)]!;
    const along = pointAlong(x.f.line, x.cum, rng.float(0, x.length));
    const max = Math.min(FENCE_OFFSET_M, 0.6 * x.f.halfWidthM);
    let p = along.p;
    let off = 0;
    for (let tries = 0; tries < 4; tries++) {
      const o = rng.float(-max, max);
      const b = (along.bearing * Math.PI) / 180;
      // Perpendicular to the bearing (east, north) = (sin b, cos b): (cos b, -sin b).
      const q = offsetM(along.p, o * Math.cos(b), -o * Math.sin(b));
      if (!locator || locator.locate(q) !== null) {
        p = q;
        off = o;
        break;
      }
    }
    return {
      p: [round6(p[0]), round6(p[1])],
      zoneId: x.f.id,
      railwayId: x.f.railwayId ?? null,
      offsetM: Math.round(Math.abs(off) * 10) / 10,
    };
  };

  const gridPoint = (rng: Rng): LonLat => {
    const g = rng.pick(world.grids);
    if (g.boundary) {
      for (let tries = 0; tries < 3; tries++) {
        const q = offsetM(
          g.center,
          rng.float(-REPORT_JITTER_M, REPORT_JITTER_M),
          rng.float(-REPORT_JITTER_M, REPORT_JITTER_M),
        );
        const r: LonLat = [round6(q[0]), round6(q[1])];
        if (pointInMultiPolygon(r[0], r[1], g.boundary)) return r;
      }
    }
    return g.center;
  };

  const reportPoint = (category: RiskCategory, rng: Rng): LonLat => {
    // Mostly seen from beside the line (a station, a crossing); one in five from the fence itself,
    // where it raises the fence rule's alarm like an intrusion (issue 15: a few fence alarms an hour).
    if (category === 'railway_safety' && fences.length && rng.chance(0.2)) return fencePoint(rng).p;
    if (category === 'school_safety' && schools.length) return rng.pick(schools).position!;
    if (category === 'hospital_safety' && hospitals.length) return rng.pick(hospitals).position!;
    return gridPoint(rng);
  };

  // Residents the simulator names, by compound; gates weighted by their compound's residents per
  // gate of the kind, so every resident passes a gate about as often wherever they live.
  const hidden = hiddenResidents(world.residents ?? []);
  const shown = new Map<string, string[]>();
  const population = new Map<string, number>();
  for (const r of world.residents ?? []) {
    population.set(r.communityId, (population.get(r.communityId) ?? 0) + 1);
    if (hidden.has(r.id)) continue;
    const list = shown.get(r.communityId);
    if (list) list.push(r.id);
    else shown.set(r.communityId, [r.id]);
  }
  const communityOfGate = new Map(world.gates.map((g) => [g.id, g.communityId]));
  const gatesOf = (kind: 'pedestrian' | 'vehicle') => {
    const fit = world.gates.filter((g) => g.kind === kind || g.kind === undefined);
    const list = fit.length ? fit : world.gates;
    const perCommunity = new Map<string | undefined, number>();
    for (const g of list) perCommunity.set(g.communityId, (perCommunity.get(g.communityId) ?? 0) + 1);
    // Without residents every gate weighs 1 (the same draw as rng.pick).
    const weights = list.map((g) =>
      population.size && g.communityId !== undefined
        ? Math.max(1, population.get(g.communityId) ?? 0) / perCommunity.get(g.communityId)!
        : 1,
    );
    return { list, draw: weightedDraw(weights) };
  };
  const pedestrian = gatesOf('pedestrian');
  const vehicle = gatesOf('vehicle');

  return {
    pedestrianGate: (rng: Rng) => pedestrian.list[pedestrian.draw(rng)]!,
    vehicleGate: (rng: Rng) => vehicle.list[vehicle.draw(rng)]!,
    residentsAt: (gateId: string): readonly string[] | undefined => {
      const c = communityOfGate.get(gateId);
      return c === undefined ? undefined : shown.get(c);
    },
    has: {
      access: world.gates.length > 0,
      camera: allCameras.length > 0,
      report: world.grids.length > 0,
      fence: fences.length > 0,
    },
    camerasFor: (t: CameraType) => byType.get(t)!,
    fencePoint,
    reportPoint,
  };
}

/**
 * An index drawn with probability proportional to its weight, by binary search over the running
 * sums: one random number per draw, like rng.pick (so equal weights give rng.pick's draw).
 */
function weightedDraw(weights: readonly number[]): (rng: Rng) => number {
  const cum = new Float64Array(weights.length);
  let total = 0;
  weights.forEach((w, i) => (cum[i] = total += w));
  return (rng) => {
    const r = rng.next() * total;
    let lo = 0;
    let hi = weights.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}
