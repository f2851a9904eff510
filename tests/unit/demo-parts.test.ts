/**
 * The demo generator's building blocks on hand-made inputs: boundary tracing with holes and
 * corner-touching cells (which a generated city may or may not contain), the locator's edge
 * rule, the seeded random streams and the small formatting helpers.
 */
import { describe, expect, it } from 'vitest';
import type { LonLat, MultiPolygon, Region } from '@shared/world';
import { DeviceIdAllocator, centreCode } from '@server/demo/device-ids';
import { LocalFrame } from '@server/demo/geo';
import type { Lattice } from '@server/demo/lattice';
import { createGridLocator } from '@server/demo/locate';
import { chainageLabel } from '@server/demo/railway';
import { Rng, allocate, sampleDistinct } from '@server/demo/random';
import { traceRegion } from '@server/demo/trace';

/** A w × h lattice of 0.01° squares at (100°E, 30°N); cell (i, j) has index j * w + i. */
function squareLattice(w: number, h: number): Lattice {
  const n = w * h;
  const vLon = new Float64Array((w + 1) * (h + 1));
  const vLat = new Float64Array((w + 1) * (h + 1));
  const vid = (i: number, j: number) => j * (w + 1) + i;
  for (let j = 0; j <= h; j++) {
    for (let i = 0; i <= w; i++) {
      vLon[vid(i, j)] = Math.round((100 + i * 0.01) * 1e6) / 1e6;
      vLat[vid(i, j)] = Math.round((30 + j * 0.01) * 1e6) / 1e6;
    }
  }
  const corners = new Int32Array(4 * n);
  const nbr = new Int32Array(4 * n);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      const c = j * w + i;
      corners.set([vid(i, j), vid(i + 1, j), vid(i + 1, j + 1), vid(i, j + 1)], 4 * c);
      nbr.set([j > 0 ? c - w : -1, i < w - 1 ? c + 1 : -1, j < h - 1 ? c + w : -1, i > 0 ? c - 1 : -1], 4 * c);
    }
  }
  const zeros = () => new Float64Array(n);
  return {
    frame: new LocalFrame(100, 30),
    n,
    vLon,
    vLat,
    corners,
    nbr,
    cx: zeros(),
    cy: zeros(),
    clon: zeros(),
    clat: zeros(),
    r: zeros(),
    outlineRadius: () => 0,
  };
}

function ringArea(ring: readonly LonLat[]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) s += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1];
  return s / 2;
}
const CELL = 0.0001; // area of one 0.01° square, in square degrees

/** Trace the cells listed as [i, j] pairs on a w × h lattice. */
function trace(w: number, h: number, cells: [number, number][]): MultiPolygon {
  const lat = squareLattice(w, h);
  const regionOf = new Int32Array(lat.n).fill(-1);
  const ids = cells.map(([i, j]) => j * w + i);
  for (const c of ids) regionOf[c] = 7;
  return traceRegion(lat, ids, regionOf, 7);
}

function expectSimpleRings(mp: MultiPolygon) {
  for (const poly of mp) {
    for (const ring of poly) {
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      const inner = ring.slice(0, -1).map((p) => p.join(','));
      expect(new Set(inner).size, 'a ring visits a vertex twice').toBe(inner.length);
    }
  }
}

describe('traceRegion', () => {
  it('a single cell gives one counter-clockwise square', () => {
    const mp = trace(3, 3, [[1, 1]]);
    expect(mp).toHaveLength(1);
    expect(mp[0]).toHaveLength(1);
    expect(mp[0]![0]).toHaveLength(5);
    expect(ringArea(mp[0]![0]!)).toBeCloseTo(CELL, 12);
  });

  it('a block with a hole gives a CCW outer ring and a CW hole in the same polygon', () => {
    const cells: [number, number][] = [];
    for (let j = 1; j <= 3; j++) for (let i = 1; i <= 3; i++) if (i !== 2 || j !== 2) cells.push([i, j]);
    const mp = trace(5, 5, cells);
    expect(mp).toHaveLength(1);
    expect(mp[0]).toHaveLength(2);
    expect(ringArea(mp[0]![0]!)).toBeCloseTo(9 * CELL, 12);
    expect(ringArea(mp[0]![1]!)).toBeCloseTo(-CELL, 12);
    expectSimpleRings(mp);
  });

  it('cells touching only at a corner become separate simple polygons', () => {
    const mp = trace(4, 4, [
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 2],
    ]);
    expect(mp).toHaveLength(3);
    expectSimpleRings(mp);
    // Largest first: the two-cell strip, then the two single cells; no holes.
    const areas = mp.map((p) => ringArea(p[0]!));
    expect(areas[0]).toBeCloseTo(2 * CELL, 12);
    expect(areas[1]).toBeCloseTo(CELL, 12);
    expect(areas[2]).toBeCloseTo(CELL, 12);
    for (const p of mp) expect(p).toHaveLength(1);
  });

  it('two holes touching at a corner are two simple clockwise holes', () => {
    const cells: [number, number][] = [];
    for (let j = 0; j < 4; j++)
      for (let i = 0; i < 4; i++) if (!(i === 1 && j === 1) && !(i === 2 && j === 2)) cells.push([i, j]);
    const mp = trace(4, 4, cells);
    expect(mp).toHaveLength(1);
    expect(mp[0]).toHaveLength(3);
    expectSimpleRings(mp);
    expect(ringArea(mp[0]![0]!)).toBeCloseTo(16 * CELL, 12);
    for (const h of mp[0]!.slice(1)) expect(ringArea(h)).toBeCloseTo(-CELL, 12);
  });

  it('an island inside a hole is its own polygon', () => {
    const cells: [number, number][] = [];
    for (let j = 0; j < 5; j++)
      for (let i = 0; i < 5; i++)
        if (i === 0 || j === 0 || i === 4 || j === 4 || (i === 2 && j === 2)) cells.push([i, j]);
    const mp = trace(5, 5, cells);
    expect(mp).toHaveLength(2);
    expect(mp[0]).toHaveLength(2); // the frame and its 3 × 3 hole
    expect(ringArea(mp[0]![1]!)).toBeCloseTo(-9 * CELL, 12);
    expect(mp[1]).toHaveLength(1); // the island
    expect(ringArea(mp[1]![0]!)).toBeCloseTo(CELL, 12);
  });
});

describe('createGridLocator', () => {
  // Four 0.01° grids meeting at (100.01, 30.01).
  const sq = (i: number, j: number): LonLat[] => {
    const x = 100 + i * 0.01;
    const y = 30 + j * 0.01;
    return [
      [x, y],
      [x + 0.01, y],
      [x + 0.01, y + 0.01],
      [x, y + 0.01],
      [x, y],
    ];
  };
  const grids: Region[] = [
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
  ].map(([i, j], k) => ({
    code: `36010200100100${k + 1}`,
    parentCode: '360102001001',
    level: 'grid' as const,
    name: `第${k + 1}网格`,
    boundary: [[sq(i!, j!)]],
    center: [100 + i! * 0.01 + 0.005, 30 + j! * 0.01 + 0.005] as LonLat,
  }));
  const locator = createGridLocator(grids);

  it('finds the grid of an interior point and nothing outside', () => {
    expect(locator.size).toBe(4);
    expect(locator.locate([100.005, 30.005])).toBe('360102001001001');
    expect(locator.locate([100.015, 30.015])).toBe('360102001001004');
    expect(locator.locate([99.99, 30.005])).toBeNull();
    expect(locator.locateAll([100.03, 30.03])).toEqual([]);
  });

  it('gives a point on a shared edge or corner to exactly one grid', () => {
    for (const p of [
      [100.01, 30.005],
      [100.005, 30.01],
      [100.01, 30.01],
      [100.01, 30.0137],
    ] as LonLat[]) {
      expect(locator.locateAll(p), p.join(',')).toHaveLength(1);
    }
  });

  it('ignores non-grid regions', () => {
    const withCity = [...grids, { ...grids[0]!, code: '360100', level: 'city' as const, parentCode: null }];
    expect(createGridLocator(withCity).size).toBe(4);
  });
});

describe('random streams', () => {
  it('are reproducible, and forks are independent of the parent state', () => {
    const a = Rng.fromSeed(5);
    const b = Rng.fromSeed(5);
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
    const f1 = Rng.fromSeed(5).fork('x').next();
    const parent = Rng.fromSeed(5);
    parent.next();
    expect(parent.fork('x').next()).toBe(f1);
    expect(Rng.fromSeed(5).fork('y').next()).not.toBe(f1);
    expect(Rng.fromSeed(6).fork('x').next()).not.toBe(f1);
  });

  it('draw within their ranges', () => {
    const r = Rng.fromSeed(1);
    for (let i = 0; i < 10_000; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      const k = r.int(3, 5);
      expect(k >= 3 && k <= 5 && Number.isInteger(k)).toBe(true);
    }
  });

  it('allocate shares out exactly the total, proportionally', () => {
    const w = [1, 0, 3, 6];
    const counts = allocate(w, 1_000, Rng.fromSeed(3));
    expect([...counts].reduce((a, b) => a + b, 0)).toBe(1_000);
    expect(counts[1]).toBe(0);
    expect(Math.abs(counts[3]! - 600)).toBeLessThanOrEqual(1);
  });

  it('sampleDistinct returns k distinct indices with positive weight', () => {
    const w = Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 0 : 1));
    const s = sampleDistinct(w, 50, Rng.fromSeed(4));
    expect(s).toHaveLength(50);
    expect(new Set(s).size).toBe(50);
    for (const i of s) expect(i % 10).not.toBe(0);
  });
});

describe('formatting helpers', () => {
  it('chainage labels read like railway mileage', () => {
    expect(chainageLabel(0)).toBe('K0+000');
    expect(chainageLabel(1499.6)).toBe('K1+500');
    expect(chainageLabel(999.7)).toBe('K1+000');
    expect(chainageLabel(12_345.2)).toBe('K12+345');
  });

  it('device ids are 20 digits and count up per prefix', () => {
    const ids = new DeviceIdAllocator();
    const centre = centreCode('360102001001001');
    expect(centre).toBe('36010201');
    expect(ids.next(centre, '00', '132', '0')).toBe('36010201001320000001');
    expect(ids.next(centre, '00', '132', '0')).toBe('36010201001320000002');
    expect(ids.next(centre, '00', '137', '0')).toBe('36010201001370000001');
  });
});
