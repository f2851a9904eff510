/**
 * The deterministic demo city: a Nanchang-like city with its region tree (city → district →
 * street → community → grid), cameras, zones, railway fences, smart communities, facilities and
 * field units, as a pure function of (scale, seed).
 *
 * Pipeline: lattice (the tiling) → region tree (grown on the lattice, boundaries traced) →
 * railways → smart communities → facilities → circle zones → street cameras → units.
 * Each step draws from its own labelled random stream (random.ts).
 */
import type { Camera, World } from '../../shared/world';
import { streetCameras } from './cameras';
import { buildSmartCommunities } from './communities';
import { SCALES } from './config';
import { createContext } from './context';
import { buildFacilities } from './facilities';
import { buildLattice } from './lattice';
import { buildRailways } from './railway';
import { Rng } from './random';
import { buildRegionTree } from './regions';
import { buildUnits } from './units';
import { buildCircleZones } from './zones';

export { createGridLocator, type GridLocator } from './locate';
export { DEMO_STREAM_URL } from './cameras';

export interface DemoOptions {
  scale: 'full' | 'small';
  seed: number;
}

export function generateDemoCity(opts: DemoOptions): World {
  const cfg = SCALES[opts.scale];
  const rng = Rng.fromSeed(opts.seed).fork(opts.scale);
  const lattice = buildLattice(cfg.lattice, rng.fork('lattice'));
  const tree = buildRegionTree(lattice, cfg, rng.fork('regions'));
  const ctx = createContext(cfg, lattice, tree, rng.fork('roads'));

  const rail = buildRailways(ctx, rng.fork('railways'));
  const sc = buildSmartCommunities(ctx, rng.fork('smart-communities'));
  const facilities = buildFacilities(ctx, rng.fork('facilities'));
  const circles = buildCircleZones(ctx, facilities, rng.fork('zones'));
  const street = streetCameras(ctx, rng.fork('cameras'));
  const units = buildUnits(ctx, rng.fork('units'));

  const cameras: Camera[] = street.concat(sc.cameras, rail.cameras);
  return {
    regions: tree.regions,
    cameras,
    zones: circles.concat(rail.zones),
    railways: rail.railways,
    speakers: rail.speakers,
    smartCommunities: sc.smartCommunities,
    facilities,
    units,
    // The offline basemap (water, roads, green) comes with the live-map issue.
    basemap: [],
  };
}
