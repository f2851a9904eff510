/**
 * Hospitals, schools and police kiosks: points strictly inside a grid, at most one of each kind
 * per grid, more of them downtown (hospitals and kiosks most of all, schools follow housing).
 */
import type { Facility, FacilityKind } from '@shared/world';
import { downtownWeight, roadOf, type CityContext } from './context';
import { randomCellPoint } from './lattice';
import { hospitalName, schoolName } from './names';
import { sampleDistinct, type Rng } from './random';

const PROFILE: Record<FacilityKind, { prefix: string; digits: number; scale: number; floor: number }> = {
  hospital: { prefix: 'hospital', digits: 3, scale: 1, floor: 0.03 },
  school: { prefix: 'school', digits: 4, scale: 1.5, floor: 0.08 },
  police_kiosk: { prefix: 'kiosk', digits: 4, scale: 1, floor: 0.02 },
};

export function buildFacilities(ctx: CityContext, rng: Rng): Facility[] {
  const { lat, tree, cfg } = ctx;
  const out: Facility[] = [];
  const used = new Set<string>();
  for (const kind of ['hospital', 'school', 'police_kiosk'] as const) {
    const p = PROFILE[kind];
    const weights = new Float64Array(lat.n);
    for (let c = 0; c < lat.n; c++) weights[c] = downtownWeight(ctx, c, p.scale, p.floor);
    const cells = sampleDistinct(weights, cfg.facilities[kind], rng);
    cells.forEach((cell, i) => {
      let name: string;
      if (kind === 'hospital') name = hospitalName(rng, used);
      else if (kind === 'school') name = schoolName(rng, used);
      else {
        name = `${roadOf(ctx, cell, rng)}警务站`;
        for (let k = 2; used.has(name); k++) name = `${roadOf(ctx, cell, rng)}${k}号警务站`;
        used.add(name);
      }
      out.push({
        id: `${p.prefix}-${String(i + 1).padStart(p.digits, '0')}`,
        name,
        kind,
        position: randomCellPoint(lat, cell, rng, 0.15),
        gridCode: tree.gridCode[cell]!,
      });
    });
  }
  return out;
}
