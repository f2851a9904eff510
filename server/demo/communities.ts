/**
 * Smart safe communities (智慧平安小区): residential compounds with access-controlled gates and
 * their own cameras. Each compound is a quadrilateral strictly inside one grid: the bilinear image
 * of a sub-rectangle of the cell's (u, v) square, whose sides are straight, so the compound, its
 * gates (on its sides) and its cameras (inside it) all stay inside that grid.
 */
import type { Camera, Gate, LonLat, SmartCommunity, Zone } from '@shared/world';
import { makeCamera } from './cameras';
import { downtownWeight, type CityContext } from './context';
import { centreCode, DEVICE_TYPE, INDUSTRY, NETWORK } from './device-ids';
import { M_PER_DEG_LAT, ringSignedArea } from './geo';
import { round6 } from '@shared/geo';
import { cellPoint } from './lattice';
import { compoundName } from './names';
import { sampleDistinct, type Rng } from './random';

/** Gate names by the cell side they stand on (cell edges run S, E, N, W before the lattice's small rotation). */
const SIDE_NAMES = ['南门', '东门', '北门', '西门'] as const;

export function buildSmartCommunities(
  ctx: CityContext,
  rng: Rng,
): { smartCommunities: SmartCommunity[]; cameras: Camera[] } {
  const { lat, tree, cfg } = ctx;
  const weights = new Float64Array(lat.n);
  for (let c = 0; c < lat.n; c++) weights[c] = downtownWeight(ctx, c, 1.6, 0.03);
  const cells = sampleDistinct(weights, cfg.smartCommunities, rng);
  const usedNames = new Set<string>();
  const m2PerDeg2 = lat.frame.mPerDegLon * M_PER_DEG_LAT;
  const smartCommunities: SmartCommunity[] = [];
  const cameras: Camera[] = [];

  cells.forEach((cell, idx) => {
    const gridCode = tree.gridCode[cell]!;
    const u0 = rng.float(0.12, 0.35);
    const u1 = Math.min(0.88, u0 + rng.float(0.3, 0.5));
    const v0 = rng.float(0.12, 0.35);
    const v1 = Math.min(0.88, v0 + rng.float(0.3, 0.5));
    const corners: LonLat[] = [
      cellPoint(lat, cell, u0, v0),
      cellPoint(lat, cell, u1, v0),
      cellPoint(lat, cell, u1, v1),
      cellPoint(lat, cell, u0, v1),
    ];
    const ring: LonLat[] = [...corners, corners[0]!];
    const areaM2 = ringSignedArea(ring) * m2PerDeg2;
    const name = compoundName(rng, usedNames);
    const households = Math.max(120, Math.min(4_000, Math.round(areaM2 * rng.float(0.008, 0.02))));

    // 1–4 gates on distinct sides; the first is the vehicle entrance.
    const nGates = rng.int(1, 4);
    const sides = rng.shuffle([0, 1, 2, 3]).slice(0, nGates);
    const gates: Gate[] = sides.map((side, g) => {
      const a = corners[side]!;
      const b = corners[(side + 1) % 4]!;
      const t = rng.float(0.3, 0.7);
      return {
        id: ctx.ids.next(centreCode(gridCode), INDUSTRY.community, DEVICE_TYPE.gate, NETWORK.socialResource),
        name: `${name}${SIDE_NAMES[side]!}`,
        kind: g === 0 || rng.chance(0.3) ? 'vehicle' : 'pedestrian',
        position: [round6(a[0] + (b[0] - a[0]) * t), round6(a[1] + (b[1] - a[1]) * t)],
      };
    });

    smartCommunities.push({
      id: `sc-${String(idx + 1).padStart(5, '0')}`,
      name,
      boundary: [ring],
      center: cellPoint(lat, cell, (u0 + u1) / 2, (v0 + v1) / 2),
      households,
      gridCode,
      gates,
    });

    const nCams = rng.int(cfg.cameras.perCompound[0], cfg.cameras.perCompound[1]);
    for (let k = 0; k < nCams; k++) {
      const u = u0 + (u1 - u0) * rng.float(0.1, 0.9);
      const v = v0 + (v1 - v0) * rng.float(0.1, 0.9);
      cameras.push(makeCamera(ctx, rng, 'community', cellPoint(lat, cell, u, v), gridCode, `${name}${k + 1}号`));
    }
  });
  return { smartCommunities, cameras };
}

/**
 * Each compound as a `community` watch zone (its enclosure, 围合), so the rules for what happens
 * inside a smart community (e-bike in a lift, high-altitude throw, strangers) have a zone to
 * match. Built from the compounds as they finally stand (after moving ashore), or as a database
 * stored them (WorldService adds them to a city seeded before they existed): same ids either way.
 */
export function communityZones(
  communities: readonly Pick<SmartCommunity, 'id' | 'name' | 'boundary' | 'gridCode'>[],
): Zone[] {
  return communities.map((c) => ({
    id: `zone-${c.id}`,
    name: `${c.name}智慧平安小区`,
    kind: 'community',
    shape: { type: 'polygon', polygon: c.boundary },
    gridCode: c.gridCode,
    railwayId: null,
  }));
}
