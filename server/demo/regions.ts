/**
 * The region tree city → district → street → community → grid, built on the lattice.
 * Every grid is one lattice cell; each upper level is grown from seeds over the cells of its
 * parent (partition.ts), so nesting is exact by construction, and boundaries are traced from
 * the cells (trace.ts).
 */
import type { LonLat, Region, RegionLevel } from '@shared/world';
import { CITY, GAN_RIVER, type ScaleConfig } from './config';
import type { Lattice } from './lattice';
import { uniqueName, ordinalGrid } from './names';
import { growWeighted, splitBalanced } from './partition';
import type { Rng } from './random';
import { traceRegion } from './trace';

export interface RegionNode {
  index: number;
  code: string;
  name: string;
  level: RegionLevel;
  /** Index of the parent in the level above (-1 for districts: their parent is the city). */
  parent: number;
  cells: number[];
  /** Mean distance of the cells from the city centre, metres. */
  meanR: number;
}

export interface RegionTree {
  regions: Region[];
  districts: RegionNode[];
  streets: RegionNode[];
  communities: RegionNode[];
  /** Per cell (= per grid). */
  gridCode: string[];
  gridName: string[];
  cellDistrict: Int32Array;
  cellStreet: Int32Array;
  cellCommunity: Int32Array;
}

/** Longitude of the river at a latitude (linear between the polyline's vertices). */
function riverLonAt(lat: number): number {
  const pts = GAN_RIVER;
  for (let i = 1; i < pts.length; i++) {
    const a = pts[i - 1]!;
    const b = pts[i]!;
    if (lat <= b[1] || i === pts.length - 1) {
      const t = (lat - a[1]) / (b[1] - a[1]);
      return a[0] + t * (b[0] - a[0]);
    }
  }
  return pts[0]![0];
}

/** Three-digit serial; `max` keeps one kind's block (001–099 街道, 101–199 镇 ...) from running into the next. */
function pad3(n: number, max = 999): string {
  if (n < 1 || n > max) throw new Error(`region code serial out of range: ${n}`);
  return String(n).padStart(3, '0');
}

function meanOf(lat: Lattice, cells: readonly number[]): { x: number; y: number; r: number } {
  let x = 0;
  let y = 0;
  let r = 0;
  for (const c of cells) {
    x += lat.cx[c]!;
    y += lat.cy[c]!;
    r += lat.r[c]!;
  }
  const n = cells.length || 1;
  return { x: x / n, y: y / n, r: r / n };
}

/** Label point of a union: the centroid of the member cell closest to the members' mean. */
function unionCenter(lat: Lattice, cells: readonly number[]): LonLat {
  const m = meanOf(lat, cells);
  let best = cells[0]!;
  let bestD = Infinity;
  for (const c of cells) {
    const d = (lat.cx[c]! - m.x) ** 2 + (lat.cy[c]! - m.y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return [lat.clon[best]!, lat.clat[best]!];
}

/** Children sorted north to south, then west to east, so codes read like a map. */
function sortChildren(lat: Lattice, groups: number[][]): number[][] {
  return groups
    .map((cells) => ({ cells, m: meanOf(lat, cells) }))
    .sort((a, b) => b.m.y - a.m.y || a.m.x - b.m.x)
    .map((g) => g.cells);
}

/** Largest-remainder split of `total` over sizes, at least 1 each (so every district has a street). */
function shareOut(sizes: readonly number[], total: number): number[] {
  const sum = sizes.reduce((a, b) => a + b, 0);
  const exact = sizes.map((s) => (s / sum) * total);
  const out = exact.map((e) => Math.max(1, Math.floor(e)));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, frac: e - Math.floor(e) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let t = 0; left > 0 && t < order.length; t++, left--) out[order[t]!.i]!++;
  return out.map((k, i) => Math.min(k, sizes[i]!));
}

export function buildRegionTree(lat: Lattice, cfg: ScaleConfig, rng: Rng): RegionTree {
  const n = lat.n;
  const west = new Uint8Array(n);
  for (let c = 0; c < n; c++) west[c] = lat.clon[c]! < riverLonAt(lat.clat[c]!) ? 1 : 0;
  const bankOk = (bank: 'west' | 'east' | 'any', c: number) => bank === 'any' || (bank === 'west') === (west[c] === 1);

  // District seeds: the nearest free city cell on the right bank to each real district position.
  const taken = new Set<number>();
  const seeds = cfg.districts.map((d) => {
    const sx = lat.frame.x(d.seed[0]);
    const sy = lat.frame.y(d.seed[1]);
    let best = -1;
    let bestD = Infinity;
    for (let c = 0; c < n; c++) {
      if (taken.has(c) || !bankOk(d.bank, c)) continue;
      const dd = (lat.cx[c]! - sx) ** 2 + (lat.cy[c]! - sy) ** 2;
      if (dd < bestD) {
        bestD = dd;
        best = c;
      }
    }
    if (best < 0) throw new Error(`no cell for district ${d.name}`);
    taken.add(best);
    return best;
  });
  const cellDistrict = growWeighted(
    lat,
    seeds,
    cfg.districts.map((d) => d.weight),
    (d, c) => bankOk(cfg.districts[d]!.bank, c),
  );

  const districts: RegionNode[] = cfg.districts.map((d, i) => ({
    index: i,
    code: d.code,
    name: d.name,
    level: 'district',
    parent: -1,
    cells: [],
    meanR: 0,
  }));
  for (let c = 0; c < n; c++) districts[cellDistrict[c]!]!.cells.push(c);
  for (const d of districts) {
    if (d.cells.length === 0) throw new Error(`district ${d.name} got no cells`);
    d.meanR = meanOf(lat, d.cells).r;
  }

  const scratch = new Int32Array(n).fill(-1);
  const streets: RegionNode[] = [];
  const cellStreet = new Int32Array(n).fill(-1);
  const streetNames = new Set<string>();
  const streetRng = rng.fork('streets');
  const streetCounts = shareOut(
    districts.map((d) => d.cells.length),
    cfg.streets,
  );
  for (const d of districts) {
    const k = streetCounts[d.index]!;
    const groups = sortChildren(lat, splitBalanced(lat, d.cells, k, streetRng, scratch));
    let nStreet = 0;
    let nTown = 0;
    for (const cells of groups) {
      const meanR = meanOf(lat, cells).r;
      const town = meanR > cfg.townRadiusM;
      // GB/T 2260 practice: 0xx for 街道, 1xx for 镇.
      const code = d.code + (town ? pad3(101 + nTown++, 199) : pad3(1 + nStreet++, 99));
      const name = uniqueName(streetRng, streetNames, town ? '镇' : '街道');
      const node: RegionNode = { index: streets.length, code, name, level: 'street', parent: d.index, cells, meanR };
      for (const c of cells) cellStreet[c] = node.index;
      streets.push(node);
    }
  }

  const communities: RegionNode[] = [];
  const cellCommunity = new Int32Array(n).fill(-1);
  const communityRng = rng.fork('communities');
  const communityNames = districts.map(() => new Set<string>());
  for (const s of streets) {
    const k = Math.max(1, Math.round(s.cells.length / cfg.gridsPerCommunity));
    const groups = sortChildren(lat, splitBalanced(lat, s.cells, k, communityRng, scratch));
    const isTown = s.code[6] === '1';
    let nCommunity = 0;
    let nVillage = 0;
    for (const cells of groups) {
      const meanR = meanOf(lat, cells).r;
      const village = isTown && meanR > cfg.townRadiusM;
      // 0xx for 社区 (residents' committees), 2xx for 村 (villagers' committees).
      const code = s.code + (village ? pad3(201 + nVillage++, 399) : pad3(1 + nCommunity++, 199));
      const name = uniqueName(communityRng, communityNames[s.parent]!, village ? '村' : '社区');
      const node: RegionNode = {
        index: communities.length,
        code,
        name,
        level: 'community',
        parent: s.index,
        cells,
        meanR,
      };
      for (const c of cells) cellCommunity[c] = node.index;
      communities.push(node);
    }
  }

  const gridCode: string[] = new Array<string>(n);
  const gridName: string[] = new Array<string>(n);
  for (const cm of communities) {
    // Cells are in city order (north to south, west to east), so 第1网格 is the north-west one.
    cm.cells.sort((a, b) => a - b);
    cm.cells.forEach((c, i) => {
      gridCode[c] = cm.code + pad3(i + 1);
      gridName[c] = cm.name + ordinalGrid(i + 1);
    });
  }

  // Emit regions: city, districts, streets, communities, grids.
  const regions: Region[] = [];
  const allCells = Array.from({ length: n }, (_, i) => i);
  regions.push({
    code: CITY.code,
    parentCode: null,
    level: 'city',
    name: CITY.name,
    boundary: traceRegion(lat, allCells, new Int32Array(n), 0),
    center: unionCenter(lat, allCells),
  });
  const emit = (nodes: RegionNode[], regionOf: Int32Array, parentCode: (node: RegionNode) => string) => {
    for (const node of nodes) {
      regions.push({
        code: node.code,
        parentCode: parentCode(node),
        level: node.level,
        name: node.name,
        boundary: traceRegion(lat, node.cells, regionOf, node.index),
        center: unionCenter(lat, node.cells),
      });
    }
  };
  emit(districts, cellDistrict, () => CITY.code);
  emit(streets, cellStreet, (s) => districts[s.parent]!.code);
  emit(communities, cellCommunity, (c) => streets[c.parent]!.code);
  for (let c = 0; c < n; c++) {
    const ring: LonLat[] = [];
    for (let k = 0; k <= 4; k++) {
      const v = lat.corners[4 * c + (k % 4)]!;
      ring.push([lat.vLon[v]!, lat.vLat[v]!]);
    }
    regions.push({
      code: gridCode[c]!,
      parentCode: communities[cellCommunity[c]!]!.code,
      level: 'grid',
      name: gridName[c]!,
      boundary: [[ring]],
      center: [lat.clon[c]!, lat.clat[c]!],
    });
  }
  return { regions, districts, streets, communities, gridCode, gridName, cellDistrict, cellStreet, cellCommunity };
}
