/**
 * The built-in offline basemap of the demo city: water (the Gan river 赣江, its tributary the Fu
 * river 抚河, and lakes), roads (an expressway ring and radials, primary and secondary roads) and
 * green space (named parks, lakeside and riverside parks, neighbourhood parks). A pure function of
 * the city and its own random stream (`basemap`), like every other step.
 *
 * The parts, in the order they are made: rivers (rivers.ts), expressways (roads.ts), lakes clear
 * of both (lakes.ts), the water index (water.ts), roads that stop or bridge at the water
 * (roads.ts), parks (parks.ts). What they are made of is in basemap-places.ts. The city was laid
 * out before there was water, so what the water covers then moves ashore (ashore.ts).
 *
 * Geometry is built in the lattice's local metric frame and rounded to 1e-6 degree on output
 * (plane.ts).
 */
import type { BasemapFeature } from '@shared/world';
import { SETTINGS } from './basemap-places';
import type { CityContext } from './context';
import { buildLakes, type BasemapObjects } from './lakes';
import { buildParks } from './parks';
import { cityPlane, RingIndex, type Box } from './plane';
import type { Rng } from './random';
import { buildRivers } from './rivers';
import { buildRoads, layMotorways } from './roads';
import { waterFeatures, WaterIndex } from './water';

export interface Basemap {
  features: BasemapFeature[];
  water: WaterIndex;
}

export function buildBasemap(ctx: CityContext, scale: 'full' | 'small', objects: BasemapObjects, rng: Rng): Basemap {
  const settings = SETTINGS[scale];
  const plane = cityPlane(ctx);

  // The city's box in metres, and a margin around it that water and roads may run into.
  const city = ctx.tree.regions.find((r) => r.level === 'city')!;
  const box: Box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const poly of city.boundary)
    for (const p of poly[0]!) {
      const [x, y] = plane.toXY(p);
      box.minX = Math.min(box.minX, x);
      box.minY = Math.min(box.minY, y);
      box.maxX = Math.max(box.maxX, x);
      box.maxY = Math.max(box.maxY, y);
    }
  const margin = 3_000;
  const outer = { minX: box.minX - margin, minY: box.minY - margin, maxX: box.maxX + margin, maxY: box.maxY + margin };

  const waterRng = rng.fork('water');
  const rivers = buildRivers(plane, outer, waterRng);
  // Expressways first: lakes keep clear of them.
  const motorways = layMotorways(ctx, settings, rng.fork('roads'));
  const lakes = buildLakes(plane, objects, motorways, rivers.bodies, waterRng);
  const bodies = [
    ...rivers.bodies,
    ...lakes.map((l) => ({ kind: 'lake' as const, name: l.spec.name, ring: l.ring, index: new RingIndex(l.ring) })),
  ];
  const water = new WaterIndex(plane.frame, bodies, rivers.gan.stations);

  const features = [
    ...waterFeatures(bodies, plane),
    ...buildRoads(ctx, plane, settings, motorways, water),
    ...buildParks(ctx, plane, settings, lakes, rivers.gan, water, rng.fork('green')),
  ];
  return { features, water };
}
