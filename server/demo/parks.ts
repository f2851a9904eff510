/**
 * The basemap's green space: parks around the lakes that have one, named parks near their real
 * places, parks along the Gan downtown, and neighbourhood parks (more of them downtown). Parks keep
 * dry and clear of one another.
 */
import type { BasemapFeature } from '@shared/world';
import { PARKS, RIVERSIDE_PARKS, type ScaleSettings } from './basemap-places';
import type { CityContext } from './context';
import type { Lake } from './lakes';
import { randomCellPoint } from './lattice';
import { uniqueName } from './names';
import { centroid, dist, maxRadius, ringArea, type Plane, type XY } from './plane';
import type { Rng } from './random';
import type { Rivers } from './rivers';
import type { WaterIndex } from './water';

/** Every park as a feature (`green-001` …), from the basemap's `green` stream. */
export function buildParks(
  ctx: CityContext,
  plane: Plane,
  settings: ScaleSettings,
  lakes: readonly Lake[],
  gan: Rivers['gan'],
  water: WaterIndex,
  greenRng: Rng,
): BasemapFeature[] {
  const { frame, toXY, inCity, ring } = plane;
  const ganStations = gan.stations;
  const features: BasemapFeature[] = [];
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
  for (
    let tries = 0, placed = 0;
    placed < settings.neighbourhoodParks && tries < settings.neighbourhoodParks * 30;
    tries++
  ) {
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
  return features;
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
