/**
 * The coverage map (issue 17): best times per grid and need, gaps against thresholds, and the
 * incremental update that must equal a full recompute whatever the order of the changes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CoverageMap, type CoverageGrid, type CoverageUnit } from '@server/rules/coverage';
import { COVERAGE_NEEDS, needOfUnitKind, thresholdFor } from '@shared/coverage';
import { etaMinutes } from '@shared/eta';
import { distanceM } from '@shared/geo';
import { UnitIndex } from '@server/services/unit-index';
import type { UnitRow } from '@server/repositories/unit.repository';

const grid = (code: string, lon: number, lat: number): CoverageGrid => ({ code, lon, lat });
const unit = (id: string, kind: string, lon: number, lat: number, available = true): CoverageUnit => ({
  id,
  kind,
  lon,
  lat,
  available,
});
const KINDS = ['police', 'patrol_car', 'grid_worker', 'fire', 'medical', 'department'];

/** Every grid's best (minutes, unit) per need, and its gap flags, as plain data. */
function snapshot(m: CoverageMap) {
  return COVERAGE_NEEDS.map((need) =>
    m.grids.map((_, g) => {
      const b = m.best(g, need);
      return [b.etaMin, b.unitId, m.isGap(g, need)];
    }),
  );
}

describe('the coverage map', () => {
  const grids = [grid('g1', 115.9, 28.68), grid('g2', 115.95, 28.68), grid('g3', 116.1, 28.8)];

  it('finds the nearest available unit of each need by the dispatch ETA model', () => {
    const m = new CoverageMap(grids);
    m.update(unit('p1', 'police', 115.9, 28.681));
    m.update(unit('c1', 'patrol_car', 115.951, 28.68));
    m.update(unit('f1', 'fire', 116.0, 28.7));
    m.update(unit('d1', 'department', 115.9, 28.68));
    const d = distanceM([115.9, 28.68], [115.9, 28.681]);
    expect(m.best(0, 'police')).toEqual({ etaMin: etaMinutes('police', d), unitId: 'p1', distanceM: d });
    expect(m.best(1, 'police').unitId).toBe('c1'); // a patrol car answers the police need
    expect(m.best(2, 'fire').unitId).toBe('f1');
    expect(m.best(0, 'medical')).toEqual({ etaMin: Infinity, unitId: null, distanceM: Infinity });
    expect(needOfUnitKind('department')).toBeUndefined();
  });

  it('agrees with UnitIndex.nearest, the dispatch proposal', () => {
    const m = new CoverageMap(grids);
    const rows: UnitRow[] = [];
    const units = [unit('p1', 'police', 115.91, 28.69), unit('c1', 'patrol_car', 115.97, 28.7)];
    for (const u of units) {
      m.update(u);
      rows.push({ ...u, callsign: u.id, homeRegionCode: '360102', status: 'available' } as unknown as UnitRow);
    }
    const index = new UnitIndex(
      () => Promise.resolve(rows),
      () => Promise.resolve([]),
      () => 0,
    );
    index.apply(rows);
    for (let g = 0; g < grids.length; g++) {
      const p = index.nearest(grids[g]!.lon, grids[g]!.lat, {
        kinds: ['police', 'patrol_car'],
        count: 1,
        maxM: 1e9,
      })[0]!;
      expect(m.best(g, 'police')).toMatchObject({ etaMin: p.etaMin, unitId: p.unitId });
    }
  });

  it('opens a gap over the threshold and closes it when a unit comes back', () => {
    const m = new CoverageMap(grids);
    m.update(unit('f1', 'fire', 115.9, 28.68));
    m.setThresholds('fire', () => 15);
    // g3 is ~24 km away: 1 + 24 × 1.3 × 60 / 35 ≈ 54 min.
    expect(m.drainFlips()).toEqual([{ grid: 2, need: 'fire', gap: true }]);
    m.update(unit('f1', 'fire', 115.9, 28.68, false)); // busy: every grid is a gap
    expect(m.drainFlips().sort((a, b) => a.grid - b.grid)).toEqual([
      { grid: 0, need: 'fire', gap: true },
      { grid: 1, need: 'fire', gap: true },
    ]);
    expect([...m.gaps()]).toHaveLength(3);
    m.update(unit('f2', 'fire', 116.1, 28.8)); // another station near g3
    m.update(unit('f1', 'fire', 115.9, 28.68, true)); // f1 is back
    expect(m.drainFlips().sort((a, b) => a.grid - b.grid)).toEqual([
      { grid: 0, need: 'fire', gap: false },
      { grid: 1, need: 'fire', gap: false },
      { grid: 2, need: 'fire', gap: false },
    ]);
    expect([...m.gaps()]).toEqual([]);
  });

  it('a flip and back within one drain is no change', () => {
    const m = new CoverageMap(grids);
    m.update(unit('m1', 'medical', 115.9, 28.68));
    m.setThresholds('medical', (g) => (g === 2 ? undefined : 15));
    expect(m.drainFlips()).toEqual([]);
    m.update(unit('m1', 'medical', 115.9, 28.68, false));
    m.update(unit('m1', 'medical', 115.9, 28.68, true));
    expect(m.drainFlips()).toEqual([]);
  });

  it('breaks ties by minutes, metres, then unit id', () => {
    const m = new CoverageMap([grid('g', 115.9, 28.68)]);
    m.update(unit('b', 'police', 115.9, 28.681));
    m.update(unit('a', 'police', 115.9, 28.681));
    expect(m.best(0, 'police').unitId).toBe('a');
    m.update(unit('a', 'police', 115.9, 28.679)); // same distance the other way
    expect(m.best(0, 'police').unitId).toBe('a');
    m.remove('a');
    expect(m.best(0, 'police').unitId).toBe('b');
  });

  it('an incremental update equals a full recompute, whatever the changes (property)', () => {
    const lon = fc.double({ min: 115.7, max: 116.2, noNaN: true });
    const lat = fc.double({ min: 28.5, max: 28.9, noNaN: true });
    const change = fc.record({
      id: fc.integer({ min: 0, max: 11 }),
      kind: fc.constantFrom(...KINDS),
      lon,
      lat,
      available: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(lon, lat), { minLength: 1, maxLength: 30 }),
        fc.array(change, { minLength: 1, maxLength: 60 }),
        fc.array(fc.option(fc.integer({ min: 1, max: 60 })), { minLength: 4, maxLength: 4 }),
        (points, changes, minutes) => {
          const gs = points.map(([x, y], i) => grid(`g${i}`, x, y));
          const inc = new CoverageMap(gs);
          COVERAGE_NEEDS.forEach((n, i) => inc.setThresholds(n, () => minutes[i] ?? undefined));
          inc.drainFlips();
          const before = new Set([...inc.gaps()].map((x) => `${x.grid}/${x.need}`));
          const last = new Map<string, CoverageUnit>();
          for (const c of changes) {
            // A unit keeps its kind for life: the first change of an id fixes it.
            const id = `u${c.id}`;
            const u = unit(id, last.get(id)?.kind ?? c.kind, c.lon, c.lat, c.available);
            last.set(id, u);
            inc.update(u);
          }
          const full = new CoverageMap(gs);
          COVERAGE_NEEDS.forEach((n, i) => full.setThresholds(n, () => minutes[i] ?? undefined));
          for (const u of [...last.values()].reverse()) full.update(u);
          full.recomputeAll();
          expect(snapshot(inc)).toEqual(snapshot(full));
          // The flips drained are exactly the difference between the gaps before and after.
          const after = new Set([...inc.gaps()].map((x) => `${x.grid}/${x.need}`));
          const flips = inc.drainFlips();
          expect(new Set(flips.filter((f) => f.gap).map((f) => `${f.grid}/${f.need}`))).toEqual(
            new Set([...after].filter((k) => !before.has(k))),
          );
          expect(new Set(flips.filter((f) => !f.gap).map((f) => `${f.grid}/${f.need}`))).toEqual(
            new Set([...before].filter((k) => !after.has(k))),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('thresholds by priority area', () => {
  const rule = {
    thresholds: { police: 10, fire: 15 },
    areas: [
      { regionCode: '360102', thresholds: { police: 8 } },
      { regionCode: '360102001', thresholds: { police: 5, medical: 12 } },
    ],
  };
  it('takes the longest region code that names the need, else the rule', () => {
    expect(thresholdFor('360102001001001', 'police', rule)).toBe(5);
    expect(thresholdFor('360102002001001', 'police', rule)).toBe(8);
    expect(thresholdFor('360103001001001', 'police', rule)).toBe(10);
    expect(thresholdFor('360102001001001', 'fire', rule)).toBe(15);
    expect(thresholdFor('360102001001001', 'medical', rule)).toBe(12);
    expect(thresholdFor('360103001001001', 'medical', rule)).toBeUndefined();
  });
});
