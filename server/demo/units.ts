/**
 * Field units at their seed positions. Grid workers belong to one grid (and stand in it); police
 * officers to a street (their 派出所's area); patrol cars, fire, medical and department crews to
 * a district. Everyone stands strictly inside a grid of their home region.
 */
import type { Unit, UnitKind, UnitStatus } from '@shared/world';
import { DEPARTMENTS } from '@shared/incident-categories';
import { downtownWeight, type CityContext } from './context';
import { randomCellPoint } from './lattice';
import { personName } from './names';
import { allocate, sampleDistinct, type Rng } from './random';
import type { RegionNode } from './regions';

/**
 * On duty or not. Never 'busy': a unit is busy on an incident, and dispatch makes it so (and frees
 * it); a seeded busy unit was on nothing and stayed busy for ever. Same draw as when it was.
 */
function status(rng: Rng): UnitStatus {
  const x = rng.next();
  return x < 0.93 ? 'available' : 'offline';
}

/** "东湖区" → "东湖", "南昌县" stays whole (its stem is the city's name). */
function shortDistrict(name: string): string {
  return name.endsWith('区') ? name.slice(0, -1) : name;
}
function shortStreet(name: string): string {
  return name.replace(/(街道|镇)$/, '');
}

export function buildUnits(ctx: CityContext, rng: Rng): Unit[] {
  const { lat, tree, cfg } = ctx;
  const out: Unit[] = [];
  const counters = new Map<UnitKind, number>();
  const callsigns = new Set<string>();
  const add = (kind: UnitKind, homeRegionCode: string, cell: number, callsign: string) => {
    const n = (counters.get(kind) ?? 0) + 1;
    counters.set(kind, n);
    let cs = callsign;
    for (let k = 2; callsigns.has(cs); k++) cs = `${callsign}-${k}`;
    callsigns.add(cs);
    out.push({
      id: `unit-${kind}-${String(n).padStart(4, '0')}`,
      callsign: cs,
      kind,
      homeRegionCode,
      status: status(rng),
      position: randomCellPoint(lat, cell, rng, 0.1),
    });
  };
  const cellIn = (node: RegionNode) => rng.pick(node.cells);
  const byCells = (nodes: RegionNode[], total: number) =>
    allocate(
      nodes.map((x) => x.cells.length),
      total,
      rng,
    );

  // Grid workers: distinct grids, favouring dense (downtown) ones.
  const gw = new Float64Array(lat.n);
  for (let c = 0; c < lat.n; c++) gw[c] = downtownWeight(ctx, c, 1.5, 0.2);
  for (const c of sampleDistinct(gw, cfg.units.grid_worker, rng)) {
    add('grid_worker', tree.gridCode[c]!, c, `网格员${personName(rng)}`);
  }

  // Police officers: shared over streets by size, numbered within their street.
  const police = byCells(tree.streets, cfg.units.police);
  tree.streets.forEach((s, i) => {
    for (let k = 1; k <= police[i]!; k++)
      add('police', s.code, cellIn(s), `${shortStreet(s.name)}民警${String(k).padStart(2, '0')}`);
  });

  const perDistrict = (kind: UnitKind, label: (d: RegionNode, k: number) => string) => {
    const counts = byCells(tree.districts, cfg.units[kind]);
    tree.districts.forEach((d, i) => {
      for (let k = 1; k <= counts[i]!; k++) add(kind, d.code, cellIn(d), label(d, k));
    });
  };
  perDistrict('patrol_car', (d, k) => `${shortDistrict(d.name)}巡${String(k).padStart(3, '0')}`);
  perDistrict('fire', (d, k) => `${shortDistrict(d.name)}消防${String(k).padStart(2, '0')}`);
  perDistrict('medical', (d, k) => `120${shortDistrict(d.name)}急救${String(k).padStart(2, '0')}`);
  perDistrict('department', (d, k) => `${shortDistrict(d.name)}${rng.pick(DEPARTMENTS)}${String(k).padStart(2, '0')}`);
  return out;
}
