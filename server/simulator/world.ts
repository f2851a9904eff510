/**
 * The simulator's view of the world (SimWorld), from a generated demo city or from the database.
 */
import type { LonLat, World, Zone } from '@shared/world';
import type { WorldRepository } from '../repositories/world.repository';
import type { SimWorld } from './model';

type Fence = SimWorld['fences'][number];

function fencesOf(zones: readonly Pick<Zone, 'id' | 'kind' | 'shape' | 'railwayId'>[]): Fence[] {
  const out: Fence[] = [];
  for (const z of zones) {
    if (z.kind !== 'railway' || z.shape.type !== 'corridor') continue;
    out.push({ id: z.id, railwayId: z.railwayId, line: z.shape.line, halfWidthM: z.shape.halfWidthM });
  }
  return out;
}

function buttonFacilities<T extends { id: string; kind: string; position: LonLat }>(facilities: readonly T[]): SimWorld['facilities'][number][] {
  const out: SimWorld['facilities'][number][] = [];
  for (const f of facilities) if (f.kind === 'hospital' || f.kind === 'school') out.push({ id: f.id, kind: f.kind, position: f.position });
  return out;
}

/** From a generated world (generateDemoCity). */
export function simWorldFromCity(world: Pick<World, 'regions' | 'cameras' | 'zones' | 'facilities' | 'smartCommunities' | 'residents'>): SimWorld {
  return {
    grids: world.regions.filter((r) => r.level === 'grid').map((r) => ({ code: r.code, center: r.center, boundary: r.boundary })),
    cameras: world.cameras.map((c) => ({ id: c.id, kind: c.kind })),
    fences: fencesOf(world.zones),
    facilities: buttonFacilities(world.facilities),
    gates: world.smartCommunities.flatMap((c) => c.gates.map((g) => ({ id: g.id, kind: g.kind, communityId: c.id }))),
    residents: world.residents.map((r) => ({ id: r.id, communityId: r.communityId, livingAlone: r.livingAlone })),
  };
}

/** From the hub's database (what the hub knows is what it will accept). */
export async function simWorldFromRepository(repo: Pick<WorldRepository, 'regionsAt' | 'cameras' | 'zones' | 'facilities' | 'gates' | 'residents'>): Promise<SimWorld> {
  const grids = await repo.regionsAt('grid');
  const cameras = await repo.cameras();
  const zones = await repo.zones();
  const facilities = await repo.facilities();
  const gates = await repo.gates();
  const residents = await repo.residents();
  return {
    grids: grids.map((r) => ({ code: r.code, center: [r.centerLon, r.centerLat] as LonLat, boundary: r.boundary })),
    cameras: cameras.map((c) => ({ id: c.id, kind: c.kind })),
    fences: fencesOf(zones),
    facilities: buttonFacilities(facilities.map((f) => ({ id: f.id, kind: f.kind, position: [f.lon, f.lat] as LonLat }))),
    gates: gates.map((g) => ({ id: g.id, kind: g.kind, communityId: g.communityId })),
    residents,
  };
}
