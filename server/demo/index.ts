/**
 * The deterministic demo city: a Nanchang-like city with its region tree (city → district →
 * street → community → grid), cameras, zones, railway fences, smart communities, facilities and
 * field units, as a pure function of (scale, seed).
 *
 * Pipeline: lattice (the tiling) → region tree (grown on the lattice, boundaries traced) →
 * railways → smart communities → facilities → circle zones → street cameras → units → basemap
 * (water, roads, green; objects the rivers cover move ashore) → residents and community zones (in
 * and around the compounds where they ended up).
 * Each step draws from its own labelled random stream (random.ts).
 */
import type { Camera, Resident, SmartCommunity, World } from '@shared/world';
import { moveAshore } from './ashore';
import { buildBasemap } from './basemap';
import { streetCameras } from './cameras';
import { buildSmartCommunities, communityZones } from './communities';
import { SCALES } from './config';
import { createContext } from './context';
import { buildFacilities } from './facilities';
import { buildLattice } from './lattice';
import { buildRailways } from './railway';
import { Rng } from './random';
import { buildRegionTree } from './regions';
import { buildResidents, seedAccessEvents, type SeedAccess } from './residents';
import { buildUnits } from './units';
import { buildCircleZones } from './zones';

export { createGridLocator, createGridLocatorAsync, type GridLocator } from './locate';
export { DEMO_STREAM_URL } from './cameras';
export { communityZones } from './communities';
export { maskName, SEED_ACCESS_MAX_AGE_MS, type SeedAccess } from './residents';

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
  // Last: the water is shaped around what is on the land, then what the rivers cover moves ashore.
  const basemap = buildBasemap(
    ctx,
    opts.scale,
    { facilities, smartCommunities: sc.smartCommunities, zones: circles, railways: rail.railways },
    rng.fork('basemap'),
  );
  const dry = moveAshore(
    ctx,
    basemap.water,
    {
      streetCameras: street,
      communityCameras: sc.cameras,
      smartCommunities: sc.smartCommunities,
      facilities,
      zones: circles,
      units,
    },
    rng.fork('basemap').fork('ashore'),
  );

  const residents = generateResidents(opts, dry.smartCommunities);

  const cameras: Camera[] = dry.streetCameras.concat(dry.communityCameras, rail.cameras);
  return {
    regions: tree.regions,
    cameras,
    zones: dry.zones.concat(rail.zones, communityZones(dry.smartCommunities)),
    railways: rail.railways,
    speakers: rail.speakers,
    smartCommunities: dry.smartCommunities,
    facilities: dry.facilities,
    units: dry.units,
    residents,
    basemap: basemap.features,
  };
}

/**
 * The residents of a city's smart communities, from the same random stream generateDemoCity uses:
 * given the city's own communities, the same residents. A database seeded before residents existed
 * gets them from its stored communities this way.
 */
export function generateResidents(opts: DemoOptions, communities: readonly SmartCommunity[]): Resident[] {
  return buildResidents(
    communities,
    SCALES[opts.scale].residents,
    Rng.fromSeed(opts.seed).fork(opts.scale).fork('residents'),
  );
}

/** The living-alone residents' last access before `seedMs` (residents.ts), from the city's seed. */
export function generateSeedAccess(
  opts: DemoOptions,
  residents: readonly Resident[],
  communities: readonly SmartCommunity[],
  seedMs: number,
): SeedAccess[] {
  return seedAccessEvents(residents, communities, seedMs, Rng.fromSeed(opts.seed).fork(opts.scale).fork('seed-access'));
}
