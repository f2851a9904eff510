import { describe, expect, it } from 'vitest';
import {
  classOf,
  countByDict,
  featureBounds,
  fovSector,
  outerRings,
  quantileBreaks,
  ringAreaKm2,
  rollUp,
  segments,
} from '@client/map/geometry';
import { packPolygons } from '@server/services/layer-defs';
import { decodePacked, encodePacked } from '@shared/packed';
import type { MultiPolygon } from '@shared/world';

// A 0.01° square at Nanchang's latitude: about 0.978 km × 1.106 km.
const sq = (x: number, y: number, s = 0.01): MultiPolygon => [
  [
    [
      [x, y],
      [x + s, y],
      [x + s, y + s],
      [x, y + s],
      [x, y],
    ],
  ],
];
const layer = decodePacked(encodePacked('g', 'polygon', 2, packPolygons([sq(115.9, 28.68), sq(115.92, 28.68, 0.02)])));

describe('map geometry', () => {
  it('extracts one outer ring per feature with start indices', () => {
    const r = outerRings(layer);
    expect(Array.from(r.starts)).toEqual([0, 5, 10]);
    expect(r.positions).toHaveLength(20);
  });

  it('computes metric areas and bounds', () => {
    const r = outerRings(layer);
    const a = ringAreaKm2(r.positions, 0, 5);
    expect(a).toBeGreaterThan(1.0);
    expect(a).toBeLessThan(1.2);
    expect(ringAreaKm2(r.positions, 5, 10) / a).toBeCloseTo(4, 1);
    const b = featureBounds(layer, 1);
    expect(b[0]).toBeCloseTo(115.92, 5);
    expect(b[2]).toBeCloseTo(115.94, 5);
  });

  it('counts by dictionary value, with a mask, and rolls codes up by prefix', () => {
    const counts = countByDict([0, 1, 1, 2, 2, 2], ['360102001001001', '360102001001002', '360103002001001']);
    expect(Object.fromEntries(counts)).toEqual({ '360102001001001': 1, '360102001001002': 2, '360103002001001': 3 });
    expect(Object.fromEntries(rollUp(counts, 6))).toEqual({ '360102': 3, '360103': 3 });
    const masked = countByDict([0, 1, 1], ['a', 'b'], Uint8Array.from([1, 0, 1]));
    expect(Object.fromEntries(masked)).toEqual({ a: 1, b: 1 });
  });

  it('builds a field-of-view sector that opens towards the heading', () => {
    const east = fovSector(115.9, 28.68, 90, 60, 100, 4);
    expect(east.length).toBe(2 + 5 * 2 + 2);
    // the middle arc point lies ~100 m due east
    const mx = east[2 + 2 * 2]!,
      my = east[2 + 2 * 2 + 1]!;
    expect(mx).toBeGreaterThan(115.9);
    expect(Math.abs(my - 28.68)).toBeLessThan(1e-6);
    expect((mx - 115.9) * 111_320 * Math.cos((28.68 * Math.PI) / 180)).toBeCloseTo(100, 0);
  });

  it('classes values by quantile breaks, zeros apart', () => {
    const breaks = quantileBreaks([0, 1, 2, 3, 4, 5, 6, 7, 8], 4);
    expect(breaks).toEqual([3, 5, 7]);
    expect(classOf(0, breaks)).toBe(-1);
    expect(classOf(1, breaks)).toBe(0);
    expect(classOf(5, breaks)).toBe(2);
    expect(classOf(100, breaks)).toBe(3);
  });
});

describe('segments', () => {
  it('cuts open paths and rings into segments, closing only rings that do not repeat their first vertex', () => {
    // path 0: 3 vertices in a line; path 1: a triangle with its first vertex repeated; path 2: a triangle without the repeat.
    const pos = [0, 0, 1, 0, 2, 0, 10, 10, 11, 10, 11, 11, 10, 10, 20, 20, 21, 20, 21, 21];
    const starts = [0, 3, 7, 10];
    const open = segments(starts, pos, false);
    expect(open.length).toBe(2 + 3 + 2);
    const closed = segments(starts, pos, true);
    expect(closed.length).toBe(3 + 3 + 3);
    expect(Array.from(closed.pathOf)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2]);
    const last = closed.length - 1;
    expect(Array.from(closed.attributes.getSourcePosition.value.subarray(2 * last, 2 * last + 2))).toEqual([21, 21]);
    expect(Array.from(closed.attributes.getTargetPosition.value.subarray(2 * last, 2 * last + 2))).toEqual([20, 20]);
  });

  it('skips paths of fewer than two vertices', () => {
    expect(segments([0, 1, 1, 3], [5, 5, 0, 0, 1, 1], true).length).toBe(1);
  });
});
