/**
 * The simulator's view of the world (SimWorld, the narrow view the event model needs), from a
 * generated demo city or from the database.
 */
import type { CameraKind, LonLat, MultiPolygon, World, Zone } from '@shared/world';
import type { WorldRepository } from '@server/repositories/world.repository';

/** What the model needs of the world: a narrow view, so tests can pass small fixtures. */
export interface SimWorld {
  /** Grids (level 'grid'): `center` lies inside; `boundary`, when given, lets report points scatter around it. */
  grids: readonly { code: string; center: LonLat; boundary?: MultiPolygon }[];
  /** Cameras by device id; `kind` steers which cameras report which detections (any camera when absent). */
  cameras: readonly { id: string; kind?: CameraKind }[];
  /** Railway fence corridors (zones of kind 'railway' with a corridor shape). */
  fences: readonly { id: string; railwayId?: string | null; line: readonly LonLat[]; halfWidthM: number }[];
  /** Facilities with a one-key alarm button (hospitals and schools), by device id; `position` places their safety reports. */
  facilities: readonly { id: string; kind: 'hospital' | 'school'; position?: LonLat }[];
  /** Community gates by device id, with their compound (for the residents who pass them). */
  gates: readonly { id: string; kind?: 'pedestrian' | 'vehicle'; communityId?: string }[];
  /** Registered residents by compound; absent: access events name nobody. */
  residents?: readonly { id: string; communityId: string; livingAlone: boolean }[];
}

type Fence = SimWorld['fences'][number];

function fencesOf(zones: readonly Pick<Zone, 'id' | 'kind' | 'shape' | 'railwayId'>[]): Fence[] {
  const out: Fence[] = [];
  for (const z of zones) {
    if (z.kind !== 'railway' || z.shape.type !== 'corridor') continue;
    out.push({ id: z.id, railwayId: z.railwayId, line: z.shape.line, halfWidthM: z.shape.halfWidthM });
  }
  return out;
}

function buttonFacilities<T extends { id: string; kind: string; position: LonLat }>(
  facilities: readonly T[],
): SimWorld['facilities'][number][] {
  const out: SimWorld['facilities'][number][] = [];
  for (const f of facilities)
    if (f.kind === 'hospital' || f.kind === 'school') out.push({ id: f.id, kind: f.kind, position: f.position });
  return out;
}

/** From a generated world (generateDemoCity). */
export function simWorldFromCity(
  world: Pick<World, 'regions' | 'cameras' | 'zones' | 'facilities' | 'smartCommunities' | 'residents'>,
): SimWorld {
  return {
    grids: world.regions
      .filter((r) => r.level === 'grid')
      .map((r) => ({ code: r.code, center: r.center, boundary: r.boundary })),
    cameras: world.cameras.map((c) => ({ id: c.id, kind: c.kind })),
    fences: fencesOf(world.zones),
    facilities: buttonFacilities(world.facilities),
    gates: world.smartCommunities.flatMap((c) => c.gates.map((g) => ({ id: g.id, kind: g.kind, communityId: c.id }))),
    residents: world.residents.map((r) => ({ id: r.id, communityId: r.communityId, livingAlone: r.livingAlone })),
  };
}

/** From the hub's database (what the hub knows is what it will accept). */
export async function simWorldFromRepository(
  repo: Pick<WorldRepository, 'regionsAt' | 'cameras' | 'zones' | 'facilities' | 'gates' | 'residents'>,
): Promise<SimWorld> {
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
    facilities: buttonFacilities(
      facilities.map((f) => ({ id: f.id, kind: f.kind, position: [f.lon, f.lat] as LonLat })),
    ),
    gates: gates.map((g) => ({ id: g.id, kind: g.kind, communityId: g.communityId })),
    residents,
  };
}
