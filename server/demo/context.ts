/**
 * What the object generators share once the region tree exists: the lattice, the tree, a grid
 * locator, the device-id allocator, road names per street, and the downtown density profile.
 */
import type { LonLat } from '@shared/world';
import type { ScaleConfig } from './config';
import { DeviceIdAllocator } from './device-ids';
import { round6 } from '@shared/geo';
import type { Lattice } from './lattice';
import { createGridLocator, type GridLocator } from './locate';
import { roadName } from './names';
import type { Rng } from './random';
import type { RegionTree } from './regions';

export interface CityContext {
  cfg: ScaleConfig;
  lat: Lattice;
  tree: RegionTree;
  locator: GridLocator;
  ids: DeviceIdAllocator;
  /** A few road names per street, for camera and kiosk names. */
  roads: string[][];
  /** Grid index (= cell) of each grid code. */
  cellOfGrid: Map<string, number>;
}

export function createContext(cfg: ScaleConfig, lat: Lattice, tree: RegionTree, rng: Rng): CityContext {
  const roads = tree.streets.map(() => {
    const used = new Set<string>();
    return Array.from({ length: 6 }, () => roadName(rng, used));
  });
  const cellOfGrid = new Map<string, number>();
  tree.gridCode.forEach((code, c) => cellOfGrid.set(code, c));
  return { cfg, lat, tree, locator: createGridLocator(tree.regions), ids: new DeviceIdAllocator(), roads, cellOfGrid };
}

/**
 * Downtown weight of a cell: 1 at the centre falling to `floor` far out, over length scale
 * `scale` × the scale's density length. Used to make cameras, zones and facilities denser
 * downtown on top of the cells themselves being smaller there.
 */
export function downtownWeight(ctx: CityContext, cell: number, scale = 1, floor = 0.05): number {
  return floor + Math.exp(-ctx.lat.r[cell]! / (scale * ctx.cfg.densityScaleM));
}

/** Road of a cell's street, for names. */
export function roadOf(ctx: CityContext, cell: number, rng: Rng): string {
  return rng.pick(ctx.roads[ctx.tree.cellStreet[cell]!]!);
}

/**
 * Round a free point (on a railway, say) and find its grid, making sure it lies inside exactly
 * one grid: a point that rounds onto a grid edge is nudged by 1e-6° until it does not.
 * Returns null if the point is outside the city.
 */
export function placePoint(ctx: CityContext, p: LonLat): { position: LonLat; gridCode: string } | null {
  const NUDGES = [
    [0, 0],
    [1, 0],
    [0, 1],
    [-1, 0],
    [0, -1],
    [1, 1],
    [-1, -1],
    [1, -1],
    [-1, 1],
  ] as const;
  for (const [dx, dy] of NUDGES) {
    const q: LonLat = [round6(p[0] + dx * 1e-6), round6(p[1] + dy * 1e-6)];
    const hits = ctx.locator.locateAll(q);
    if (hits.length === 0) return null;
    if (hits.length === 1 && !onEdgeOfGrid(ctx, q, hits[0]!)) return { position: q, gridCode: hits[0]! };
  }
  return null;
}

/** True if p lies on (or within 1e-12° of) an edge of the grid's cell. */
function onEdgeOfGrid(ctx: CityContext, p: LonLat, gridCode: string): boolean {
  const cell = ctx.cellOfGrid.get(gridCode)!;
  const lat = ctx.lat;
  for (let k = 0; k < 4; k++) {
    const a = lat.corners[4 * cell + k]!;
    const b = lat.corners[4 * cell + ((k + 1) % 4)]!;
    const ax = lat.vLon[a]!;
    const ay = lat.vLat[a]!;
    const cross = (lat.vLon[b]! - ax) * (p[1] - ay) - (lat.vLat[b]! - ay) * (p[0] - ax);
    if (cross <= 1e-12) return true;
  }
  return false;
}
