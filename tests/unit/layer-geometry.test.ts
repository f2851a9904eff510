import { describe, expect, it } from 'vitest';
import { packLines, packPoints, packPolygons } from '@server/services/layer-defs';
import { decodePacked, encodePacked } from '@shared/packed';
import type { MultiPolygon } from '@shared/world';

const roundTrip = (geometry: 'point' | 'line' | 'polygon', count: number, cols: ReturnType<typeof packPoints>) =>
  decodePacked(encodePacked('t', geometry, count, cols));

describe('geometry packing (deck.gl binary layout)', () => {
  it('packs points as interleaved lon/lat', () => {
    const l = roundTrip(
      'point',
      2,
      packPoints([
        [115.5, 28.5],
        [116, 29],
      ]),
    );
    expect(Array.from(l.numeric('position'))).toEqual([115.5, 28.5, 116, 29]);
  });

  it('packs lines with vertex start indices', () => {
    const l = roundTrip(
      'line',
      2,
      packLines([
        [
          [0, 0],
          [1, 1],
          [2, 2],
        ],
        [
          [5, 5],
          [6, 6],
        ],
      ]),
    );
    expect(Array.from(l.numeric('pathStart'))).toEqual([0, 3, 5]);
    expect(l.numeric('position')).toHaveLength(10);
  });

  it('packs multipolygons with holes as feature → polygon → ring → vertex offsets', () => {
    const square = (x: number, s: number) =>
      [
        [x, 0],
        [x + s, 0],
        [x + s, s],
        [x, s],
        [x, 0],
      ] as [number, number][];
    const holed: MultiPolygon = [[square(0, 4), square(1, 1).reverse()]];
    const twoParts: MultiPolygon = [[square(10, 1)], [square(20, 1)]];
    const l = roundTrip('polygon', 2, packPolygons([holed, twoParts]));
    expect(Array.from(l.numeric('featureStart'))).toEqual([0, 1, 3]);
    expect(Array.from(l.numeric('polygonStart'))).toEqual([0, 2, 3, 4]);
    expect(Array.from(l.numeric('ringStart'))).toEqual([0, 5, 10, 15, 20]);
    const pos = l.numeric('position');
    // The hole's first vertex (ring 1 starts at vertex 5), reversed square at x=1.
    expect([pos[10], pos[11]]).toEqual([1, 0]);
    expect([pos[2 * 15], pos[2 * 15 + 1]]).toEqual([20, 0]);
  });
});
