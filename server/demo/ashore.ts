/**
 * Moving what the basemap's water covers onto dry land (the last step of the basemap, see
 * basemap.ts). The city was laid out before there was water, so an object the rivers or lakes
 * cover moves onto dry land on the same bank of the Gan: into a dry part of the same grid, or where
 * the grid is all water into the nearest grid that keeps the object valid (see moveAshore). Every
 * other step's draws are untouched; only positions (and grids) of covered objects change.
 */
import type { Camera, Facility, LonLat, SmartCommunity, Unit, Zone } from '@shared/world';
import { round6 } from '@shared/geo';
import type { CityContext } from './context';
import { randomCellPoint } from './lattice';
import type { Rng } from './random';
import type { WaterIndex } from './water';

export interface ShoreObjects {
  streetCameras: Camera[];
  communityCameras: Camera[];
  smartCommunities: SmartCommunity[];
  facilities: Facility[];
  zones: Zone[];
  units: Unit[];
}

/**
 * Objects the water covers, moved onto dry land on the same bank of the Gan: to a dry spot of
 * their own grid, or, where the grid is all water, of the nearest grid that keeps them valid —
 * the same street for cameras, facilities, landmarks and compounds (their device ids carry the
 * street), the same community for key-person circles (their names carry it), the home region for
 * units; and no second facility of a kind, landmark or compound in a grid. Compounds move as a
 * whole with their gates and cameras, by whole micro-degrees, so every relative position stays
 * exact; a facility's circle moves with it. Dry objects are returned as they are, in order.
 */
export function moveAshore(ctx: CityContext, water: WaterIndex, objs: ShoreObjects, rng: Rng): ShoreObjects {
  const { lat, tree } = ctx;
  const noDryPoint = new Set<number>();
  const cellOf = (gridCode: string): number => ctx.cellOfGrid.get(gridCode)!;
  /** The bank a cell is on: its district's, as the region tree split them (see regions.ts). */
  const sideOfCell = (cell: number): 1 | -1 => {
    const bank = ctx.cfg.districts[tree.cellDistrict[cell]!]!.bank;
    return bank === 'west' ? 1 : bank === 'east' ? -1 : water.ganSide([lat.clon[cell]!, lat.clat[cell]!]);
  };
  const streetCells = (cell: number) => tree.streets[tree.cellStreet[cell]!]!.cells;
  const communityCells = (cell: number) => tree.communities[tree.cellCommunity[cell]!]!.cells;

  /** A dry point inside the cell on the given bank, or null (after 40 failures, for good). */
  const dryPoint = (cell: number, margin: number, side: 1 | -1, tries: number): LonLat | null => {
    if (noDryPoint.has(cell)) return null;
    for (let t = 0; t < tries; t++) {
      const p = randomCellPoint(lat, cell, rng, margin);
      if (!water.isWet(p) && water.ganSide(p) === side) return p;
    }
    if (tries >= 40) noDryPoint.add(cell);
    return null;
  };
  /** The object's own cell first, then the nearest cells of `pool` that `ok` allows. */
  function* candidates(cell: number, pool: readonly number[], ok: (k: number) => boolean): Generator<number> {
    yield cell;
    const x0 = lat.cx[cell]!;
    const y0 = lat.cy[cell]!;
    const d2 = (k: number) => (lat.cx[k]! - x0) ** 2 + (lat.cy[k]! - y0) ** 2;
    const others = pool.filter((k) => k !== cell && ok(k) && !noDryPoint.has(k)).sort((a, b) => d2(a) - d2(b) || a - b);
    yield* others.slice(0, 40);
  }
  const relocate = (
    cell: number,
    margin: number,
    pool: readonly number[],
    ok: (k: number) => boolean = () => true,
  ): { cell: number; p: LonLat } | null => {
    const side = sideOfCell(cell);
    for (const k of candidates(cell, pool, ok)) {
      const p = dryPoint(k, margin, side, k === cell ? 40 : 12);
      if (p) return { cell: k, p };
    }
    return null;
  };

  const streetCameras = objs.streetCameras.map((c): Camera => {
    if (!water.isWet(c.position)) return c;
    const cell = cellOf(c.gridCode);
    const to = relocate(cell, 0.05, streetCells(cell));
    return to ? { ...c, position: to.p, gridCode: tree.gridCode[to.cell]! } : c;
  });

  // Facilities: at most one of a kind per grid.
  const taken = new Map<string, Set<number>>();
  for (const f of objs.facilities) {
    if (!taken.has(f.kind)) taken.set(f.kind, new Set());
    taken.get(f.kind)!.add(cellOf(f.gridCode));
  }
  const movedFacility = new Map<string, { p: LonLat; gridCode: string }>();
  const facilities = objs.facilities.map((f): Facility => {
    if (!water.isWet(f.position)) return f;
    const cell = cellOf(f.gridCode);
    const used = taken.get(f.kind)!;
    const to = relocate(cell, 0.15, streetCells(cell), (k) => !used.has(k));
    if (!to) return f;
    used.delete(cell);
    used.add(to.cell);
    const moved = { p: to.p, gridCode: tree.gridCode[to.cell]! };
    movedFacility.set(f.id, moved);
    return { ...f, position: moved.p, gridCode: moved.gridCode };
  });

  // Circles: a facility's circle follows it; landmarks one per grid, key persons in their community.
  const landmarkCells = new Set(objs.zones.filter((z) => z.kind === 'landmark').map((z) => cellOf(z.gridCode)));
  const zones = objs.zones.map((z): Zone => {
    if (z.shape.type !== 'circle') return z;
    const follow = movedFacility.get(z.id.replace(/^zone-/, ''));
    if (follow && (z.kind === 'hospital' || z.kind === 'school'))
      return { ...z, shape: { ...z.shape, center: follow.p }, gridCode: follow.gridCode };
    if (!water.isWet(z.shape.center) || (z.kind !== 'key_person' && z.kind !== 'landmark')) return z;
    const cell = cellOf(z.gridCode);
    const to =
      z.kind === 'landmark'
        ? relocate(cell, 0.1, streetCells(cell), (k) => !landmarkCells.has(k))
        : relocate(cell, 0.1, communityCells(cell));
    if (!to) return z;
    if (z.kind === 'landmark') {
      landmarkCells.delete(cell);
      landmarkCells.add(to.cell);
    }
    return { ...z, shape: { ...z.shape, center: to.p }, gridCode: tree.gridCode[to.cell]! };
  });

  // Compounds: one per grid; moved whole by a translation that fits the target cell.
  const compoundCells = new Set(objs.smartCommunities.map((sc) => cellOf(sc.gridCode)));
  const shifts = new Map<string, { d: LonLat; gridCode: string }>(); // old gridCode → move
  const smartCommunities = objs.smartCommunities.map((sc): SmartCommunity => {
    if (!compoundProbe(sc).some((p) => water.isWet(p))) return sc;
    const cell = cellOf(sc.gridCode);
    const side = sideOfCell(cell);
    for (const k of candidates(cell, streetCells(cell), (k) => !compoundCells.has(k))) {
      for (let t = 0; t < (k === cell ? 40 : 12); t++) {
        const target = randomCellPoint(lat, k, rng, 0.2);
        const d: LonLat = [round6(target[0] - sc.center[0]), round6(target[1] - sc.center[1])];
        const move = (p: LonLat): LonLat => [round6(p[0] + d[0]), round6(p[1] + d[1])];
        const ring = sc.boundary[0]!.map(move);
        if (!ring.every((p) => strictlyInCell(ctx, k, p))) continue;
        const center = move(sc.center);
        if (compoundProbe({ boundary: [ring], center }).some((p) => water.isWet(p) || water.ganSide(p) !== side))
          continue;
        compoundCells.delete(cell);
        compoundCells.add(k);
        const gridCode = tree.gridCode[k]!;
        shifts.set(sc.gridCode, { d, gridCode });
        return {
          ...sc,
          boundary: [ring],
          center,
          gridCode,
          gates: sc.gates.map((g) => ({ ...g, position: move(g.position) })),
        };
      }
    }
    return sc;
  });
  const communityCameras = objs.communityCameras.map((c): Camera => {
    const s = shifts.get(c.gridCode);
    return s
      ? { ...c, position: [round6(c.position[0] + s.d[0]), round6(c.position[1] + s.d[1])], gridCode: s.gridCode }
      : c;
  });

  // Units stay in their home region (a grid for grid workers, a street or district for others).
  const units = objs.units.map((u): Unit => {
    if (!water.isWet(u.position)) return u;
    const code = ctx.locator.locate(u.position);
    if (code === null) return u;
    const cell = cellOf(code);
    const to = relocate(cell, 0.1, streetCells(cell), (k) => tree.gridCode[k]!.startsWith(u.homeRegionCode));
    return to ? { ...u, position: to.p } : u;
  });

  return { streetCameras, communityCameras, smartCommunities, facilities, zones, units };
}

/** Corners, edge midpoints, centre and interior points of a compound: where water must not be. */
function compoundProbe(sc: Pick<SmartCommunity, 'boundary' | 'center'>): LonLat[] {
  const q = sc.boundary[0]!.slice(0, 4);
  const out: LonLat[] = [...q, sc.center];
  for (let k = 0; k < 4; k++) {
    const a = q[k]!;
    const b = q[(k + 1) % 4]!;
    out.push([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2]);
    out.push([(a[0] + sc.center[0]) / 2, (a[1] + sc.center[1]) / 2]);
  }
  return out;
}

/** Strictly inside a (convex, counter-clockwise) lattice cell, by a hair. */
function strictlyInCell(ctx: CityContext, cell: number, p: LonLat): boolean {
  const { lat } = ctx;
  for (let k = 0; k < 4; k++) {
    const a = lat.corners[4 * cell + k]!;
    const b = lat.corners[4 * cell + ((k + 1) % 4)]!;
    const cross =
      (lat.vLon[b]! - lat.vLon[a]!) * (p[1] - lat.vLat[a]!) - (lat.vLat[b]! - lat.vLat[a]!) * (p[0] - lat.vLon[a]!);
    if (cross <= 1e-11) return false;
  }
  return true;
}
