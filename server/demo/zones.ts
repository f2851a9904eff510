/**
 * Circle zones: video security circles around key persons' homes (视频安全圈, radius 100–300 m),
 * video protection circles around landmarks and crowded places (radius 200–800 m), and a circle
 * around every hospital and school. Railway corridors come from railway.ts.
 *
 * Zone names never identify a person: key-person circles are numbered within their community.
 */
import type { Facility, Zone } from '@shared/world';
import { downtownWeight, type CityContext } from './context';
import { randomCellPoint } from './lattice';
import { landmarkName } from './names';
import { allocate, sampleDistinct, type Rng } from './random';

export function buildCircleZones(ctx: CityContext, facilities: readonly Facility[], rng: Rng): Zone[] {
  const { lat, tree, cfg } = ctx;
  const out: Zone[] = [];

  // Key persons live everywhere, somewhat more in the dense old town: several may share a grid.
  const kpWeights = new Float64Array(lat.n);
  for (let c = 0; c < lat.n; c++) kpWeights[c] = downtownWeight(ctx, c, 1.5, 0.1);
  const kpCounts = allocate(kpWeights, cfg.zones.keyPerson, rng);
  const perCommunity = new Map<number, number>();
  let kp = 0;
  for (let c = 0; c < lat.n; c++) {
    for (let t = kpCounts[c]!; t > 0; t--) {
      const community = tree.cellCommunity[c]!;
      const nth = (perCommunity.get(community) ?? 0) + 1;
      perCommunity.set(community, nth);
      out.push({
        id: `zone-kp-${String(++kp).padStart(4, '0')}`,
        name: `${tree.communities[community]!.name}视频安全圈${nth}号`,
        kind: 'key_person',
        shape: { type: 'circle', center: randomCellPoint(lat, c, rng, 0.1), radiusM: rng.int(100, 300) },
        gridCode: tree.gridCode[c]!,
        railwayId: null,
      });
    }
  }

  // Landmarks and crowded places: strongly downtown, one per grid at most.
  const lmWeights = new Float64Array(lat.n);
  for (let c = 0; c < lat.n; c++) lmWeights[c] = downtownWeight(ctx, c, 1, 0.02);
  const usedNames = new Set<string>();
  sampleDistinct(lmWeights, cfg.zones.landmark, rng).forEach((c, i) => {
    out.push({
      id: `zone-lm-${String(i + 1).padStart(4, '0')}`,
      name: `${landmarkName(rng, usedNames)}视频保护圈`,
      kind: 'landmark',
      shape: { type: 'circle', center: randomCellPoint(lat, c, rng, 0.1), radiusM: rng.int(200, 800) },
      gridCode: tree.gridCode[c]!,
      railwayId: null,
    });
  });

  for (const f of facilities) {
    if (f.kind === 'police_kiosk') continue;
    const hospital = f.kind === 'hospital';
    out.push({
      id: `zone-${f.id}`,
      name: `${f.name}${hospital ? '安全防护圈' : '护学圈'}`,
      kind: hospital ? 'hospital' : 'school',
      shape: { type: 'circle', center: f.position, radiusM: hospital ? rng.int(150, 300) : rng.int(100, 250) },
      gridCode: f.gridCode,
      railwayId: null,
    });
  }
  return out;
}
