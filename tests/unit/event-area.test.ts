/**
 * A security event's perimeter and buffer zone (shared/event-area.ts, shared/event-buffer.ts):
 * what a perimeter may be, whether it lies in a district, which points it holds, the buffer ring,
 * and the admin input's schema, which must answer any JSON with issues, never an exception.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { area } from '@turf/area';
import { booleanContains } from '@turf/boolean-contains';
import {
  compilePerimeter,
  eventAreaInput,
  eventPerimeter,
  perimeterInside,
  perimeterProblems,
  pointInPerimeter,
  PERIMETER_MAX_POINTS,
  type PerimeterProblem,
} from '@shared/event-area';
import { bufferRing, inBuffer } from '@shared/event-buffer';
import type { LonLat, MultiPolygon, Polygon } from '@shared/world';

/** A counter-clockwise closed rectangle from its south-west and north-east corners. */
function rect(west: number, south: number, east: number, north: number): LonLat[] {
  return [
    [west, south],
    [east, south],
    [east, north],
    [west, north],
    [west, south],
  ];
}
/** The same ring the other way round (holes run clockwise). */
const reversed = (ring: LonLat[]): LonLat[] => [...ring].reverse();

/** Great-circle metres (haversine, Turf's earth radius), written here so the test does not trust Turf. */
function metres(a: LonLat, b: LonLat): number {
  const r = Math.PI / 180;
  const h =
    Math.sin(((b[1] - a[1]) * r) / 2) ** 2 +
    Math.cos(a[1] * r) * Math.cos(b[1] * r) * Math.sin(((b[0] - a[0]) * r) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}
const ringLength = (ring: LonLat[]) => ring.slice(1).reduce((m, p, i) => m + metres(ring[i]!, p), 0);
/** Twice the signed planar area: > 0 when counter-clockwise. */
const signedArea2 = (ring: LonLat[]) =>
  ring.slice(1).reduce((s, p, i) => s + ring[i]![0] * p[1] - p[0] * ring[i]![1], 0);

/** The problems as one line each, `path message`, for a comparison or a pattern. */
const said = (problems: PerimeterProblem[]) => problems.map((p) => `${JSON.stringify(p.path)} ${p.message}`).join('\n');

// About 975 m × 1,112 m near 八一广场, Nanchang.
const square: Polygon = [rect(115.9, 28.68, 115.91, 28.69)];
// The same square with a 0.002° hole in its middle (a compound left out).
const withHole: Polygon = [rect(115.9, 28.68, 115.91, 28.69), reversed(rect(115.904, 28.684, 115.906, 28.686))];

describe('perimeterProblems', () => {
  it('accepts a square near Nanchang, with or without a hole', () => {
    expect(perimeterProblems(square)).toEqual([]);
    expect(perimeterProblems(withHole)).toEqual([]);
  });

  it('reports a bow-tie with the point where the boundary crosses itself', () => {
    const bowTie: Polygon = [
      [
        [115.9, 28.68],
        [115.91, 28.69],
        [115.91, 28.68],
        [115.9, 28.69],
        [115.9, 28.68],
      ],
    ];
    expect(perimeterProblems(bowTie)).toEqual([
      { path: [0], message: 'the boundary crosses itself at 115.9050, 28.6850' },
    ]);
  });

  it('reports a ring that is not closed, and one of fewer than 3 distinct points', () => {
    expect(perimeterProblems([square[0]!.slice(0, 4)])).toEqual([
      { path: [0], message: 'the ring is not closed: its last point must repeat its first' },
    ]);
    const line: Polygon = [
      [
        [115.9, 28.68],
        [115.91, 28.68],
        [115.9, 28.68],
        [115.9, 28.68],
      ],
    ];
    expect(perimeterProblems(line)).toEqual([{ path: [0], message: 'needs at least 3 distinct points (has 2)' }]);
    expect(perimeterProblems([[]])).toEqual([{ path: [0], message: 'needs at least 3 distinct points (has 0)' }]);
    expect(perimeterProblems([])).toEqual([{ path: [], message: 'draw the outer boundary' }]);
  });

  it('takes a repeated point (a double click) for one point, not a crossing', () => {
    const ring = square[0]!;
    expect(perimeterProblems([[ring[0]!, ring[1]!, ring[1]!, ring[2]!, ring[3]!, ring[4]!, ring[4]!]])).toEqual([]);
  });

  // Three points on one line of the map enclose a few m² on the sphere (the line is no great circle).
  it('reports a tiny perimeter, and three points on one line, as enclosing almost no area', () => {
    const tiny = perimeterProblems([rect(115.9, 28.68, 115.90005, 28.68005)]); // about 5 m × 5.5 m
    expect(said(tiny)).toBe('[] encloses almost no area (27 m²; at least 100 m²)');
    const flat: Polygon = [
      [
        [115.9, 28.68],
        [115.905, 28.685],
        [115.91, 28.69],
        [115.9, 28.68],
      ],
    ];
    expect(said(perimeterProblems(flat))).toMatch(/^\[\] encloses almost no area \(\d m²; at least 100 m²\)$/);
  });

  it('reports an enormous perimeter (over 2,000 km²) with its area', () => {
    // 0.5° × 0.5°: about 49 km × 56 km.
    expect(said(perimeterProblems([rect(115.6, 28.4, 116.1, 28.9)]))).toMatch(
      /^\[\] too large \(2,7\d\d km²; at most 2,000 km²\)$/,
    );
  });

  it('reports a hole outside the outer ring, inside another hole, or crossing a ring', () => {
    const outer = square[0]!;
    expect(perimeterProblems([outer, reversed(rect(115.92, 28.68, 115.93, 28.69))])).toEqual([
      { path: [1], message: 'a hole must lie inside the outer boundary' },
    ]);
    expect(
      perimeterProblems([outer, reversed(rect(115.902, 28.682, 115.908, 28.688)), reversed(withHole[1]!)]),
    ).toEqual([{ path: [2], message: 'a hole lies inside another hole' }]);
    expect(perimeterProblems([outer, reversed(rect(115.905, 28.684, 115.915, 28.686))])).toEqual([
      { path: [], message: 'a hole touches or crosses another ring at 115.9100, 28.6860' },
    ]);
  });

  it('accepts random star-shaped polygons (simple by construction)', () => {
    fc.assert(
      fc.property(starPolygon, (polygon) => {
        expect(perimeterProblems(polygon)).toEqual([]);
        expect(eventPerimeter.safeParse(polygon).success).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

/** A polygon around a centre near Nanchang, its vertices at increasing angles (each under half a turn from the last) and radii of 200 m to 5 km. */
const starPolygon: fc.Arbitrary<Polygon> = fc
  .record({
    lon: fc.double({ min: 115.7, max: 116.1, noNaN: true }),
    lat: fc.double({ min: 28.5, max: 28.9, noNaN: true }),
    spokes: fc.array(
      fc.record({
        gap: fc.double({ min: 0.2, max: 1, noNaN: true }),
        r: fc.double({ min: 0.002, max: 0.05, noNaN: true }),
      }),
      // At least 7 spokes: no gap is over 1 / (1 + 6 × 0.2) of the turn, so every vertex sees the
      // centre (a gap over half a turn can make an edge cross the ones near the centre).
      { minLength: 7, maxLength: 60 },
    ),
  })
  .map(({ lon, lat, spokes }) => {
    const total = spokes.reduce((s, x) => s + x.gap, 0);
    let angle = 0;
    const ring: LonLat[] = spokes.map(({ gap, r }) => {
      angle += (gap / total) * 2 * Math.PI;
      return [lon + r * Math.cos(angle), lat + r * Math.sin(angle)];
    });
    return [[...ring, ring[0]!]];
  });

describe('pointInPerimeter and compilePerimeter', () => {
  const compiled = compilePerimeter(withHole);

  it.each([
    ['inside', [115.901, 28.681], true],
    ['outside', [115.92, 28.681], false],
    ['in the hole', [115.905, 28.685], false],
    ['on the outer boundary (the fence line counts)', [115.9, 28.685], true],
    ['on the edge of the hole', [115.904, 28.685], true],
  ] as const)('a point %s', (_name, point, expected) => {
    expect(pointInPerimeter(point, withHole)).toBe(expected);
    expect(compiled.contains(point[0], point[1])).toBe(expected);
  });

  it('has the bounding box of the outer ring, and puts NaN outside', () => {
    expect(compiled.bbox).toEqual([115.9, 28.68, 115.91, 28.69]);
    expect(compiled.contains(NaN, 28.685)).toBe(false);
    expect(compiled.contains(115.905, NaN)).toBe(false);
  });

  it('agrees with pointInPerimeter on random points and perimeters', () => {
    fc.assert(
      fc.property(
        starPolygon,
        fc.array(fc.tuple(fc.double({ min: 115.6, max: 116.2 }), fc.double({ min: 28.4, max: 29 })), {
          maxLength: 50,
        }),
        (polygon, points) => {
          const c = compilePerimeter(polygon);
          for (const [lon, lat] of points) expect(c.contains(lon, lat)).toBe(pointInPerimeter([lon, lat], polygon));
        },
      ),
    );
  });
});

describe('perimeterInside', () => {
  // A U-shaped district: a notch (x 115.83–115.87, y above 28.63) cut into its north side.
  const district: MultiPolygon = [
    [
      [
        [115.8, 28.6],
        [115.9, 28.6],
        [115.9, 28.7],
        [115.87, 28.7],
        [115.87, 28.63],
        [115.83, 28.63],
        [115.83, 28.7],
        [115.8, 28.7],
        [115.8, 28.6],
      ],
    ],
    // A second part apart from the first.
    [rect(116, 28.6, 116.05, 28.65)],
  ];

  it('accepts a perimeter inside one arm, and one inside the second part', () => {
    expect(perimeterInside([rect(115.81, 28.65, 115.82, 28.66)], district)).toBe(true);
    expect(perimeterInside([rect(116.01, 28.61, 116.02, 28.62)], district)).toBe(true);
  });

  it('refuses a perimeter with a vertex outside', () => {
    expect(perimeterInside([rect(115.79, 28.65, 115.81, 28.66)], district)).toBe(false);
    expect(perimeterInside([rect(115.84, 28.65, 115.86, 28.66)], district)).toBe(false); // in the notch
  });

  it('refuses a perimeter whose vertices are all inside but whose edge crosses the notch', () => {
    const bridge = [rect(115.82, 28.61, 115.88, 28.66)];
    expect(bridge[0]!.every((p) => pointInPerimeter(p, district[0]!))).toBe(true);
    expect(perimeterInside(bridge, district)).toBe(false);
  });

  it('accepts a perimeter snapped to the district line, and refuses one that runs outside between two snapped points', () => {
    expect(perimeterInside([rect(115.8, 28.6, 115.81, 28.61)], district)).toBe(true);
    expect(perimeterInside([rect(115.87, 28.62, 115.9, 28.7)], district)).toBe(true); // the whole east arm
    const acrossTheMouth: Polygon = [
      [
        [115.82, 28.62],
        [115.88, 28.62],
        [115.88, 28.69],
        [115.87, 28.7],
        [115.83, 28.7],
        [115.82, 28.69],
        [115.82, 28.62],
      ],
    ];
    expect(perimeterInside(acrossTheMouth, district)).toBe(false);
  });

  it('refuses a perimeter around an enclave of the district, unless a hole leaves the enclave out', () => {
    const enclave = rect(115.84, 28.64, 115.86, 28.66);
    const withEnclave: MultiPolygon = [[rect(115.8, 28.6, 115.9, 28.7), reversed(enclave)]];
    const around = rect(115.83, 28.63, 115.87, 28.67);
    expect(perimeterInside([around], withEnclave)).toBe(false);
    expect(perimeterInside([around, reversed(enclave)], withEnclave)).toBe(true);
    expect(perimeterInside([around, reversed(rect(115.835, 28.635, 115.865, 28.665))], withEnclave)).toBe(true);
  });

  it("decides as Turf's booleanContains does, on random perimeters against the U", () => {
    fc.assert(
      fc.property(starPolygon, (polygon) => {
        const expected = booleanContains(
          { type: 'MultiPolygon', coordinates: district },
          { type: 'Polygon', coordinates: polygon },
        );
        expect(perimeterInside(polygon, district)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe('bufferRing and inBuffer', () => {
  const ring = bufferRing(square, 200);

  it('grows the square by about its perimeter × 200 m (plus the rounded corners, π × 200²)', () => {
    const outer = ring[0]!;
    expect(ring).toHaveLength(1);
    expect(outer[0]).toEqual(outer[outer.length - 1]);
    expect(signedArea2(outer)).toBeGreaterThan(0); // counter-clockwise, as world.ts says
    const grown = area({ type: 'Polygon', coordinates: ring }) - area({ type: 'Polygon', coordinates: square });
    const sides = ringLength(square[0]!) * 200;
    expect(grown).toBeGreaterThan(sides);
    expect(grown).toBeCloseTo(sides + Math.PI * 200 ** 2, -4); // within 5,000 m² of ~960,000
  });

  it('ignores the holes of the perimeter', () => {
    expect(bufferRing(withHole, 200)).toEqual(ring);
  });

  it('tells the buffer zone from the perimeter and from the world outside', () => {
    const perimeter = compilePerimeter(square);
    const zone = compilePerimeter(ring);
    const east = (m: number): [number, number] => [115.91 + m / (111_195 * Math.cos((28.685 * Math.PI) / 180)), 28.685];
    expect(inBuffer(east(100), perimeter, zone)).toBe(true);
    expect(inBuffer(east(190), perimeter, zone)).toBe(true);
    expect(inBuffer(east(210), perimeter, zone)).toBe(false);
    expect(inBuffer([115.905, 28.685], perimeter, zone)).toBe(false); // inside the perimeter
    expect(inBuffer([115.91, 28.685], perimeter, zone)).toBe(false); // on its boundary: the perimeter's
  });

  it('refuses a width out of 10–5,000 m', () => {
    expect(() => bufferRing(square, 5)).toThrow(RangeError);
    expect(() => bufferRing(square, 5_001)).toThrow(RangeError);
    expect(() => bufferRing(square, NaN)).toThrow(RangeError);
    expect(bufferRing(square, 5_000)[0]!.length).toBeGreaterThan(4);
  });
});

describe('eventAreaInput', () => {
  it('accepts a valid perimeter and width', () => {
    expect(eventAreaInput.safeParse({ perimeter: withHole, bufferM: 200 }).success).toBe(true);
  });

  it('names the ring and the crossing for a 4xx', () => {
    const bowTie = [
      [
        [115.9, 28.68],
        [115.91, 28.69],
        [115.91, 28.68],
        [115.9, 28.69],
        [115.9, 28.68],
      ],
    ];
    const r = eventAreaInput.safeParse({ perimeter: bowTie, bufferM: 200 });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path, i.message])).toEqual([
      [['perimeter', 0], 'the boundary crosses itself at 115.9050, 28.6850'],
    ]);
  });

  it('refuses NaN, Infinity, out-of-range coordinates, a bad width and huge rings, with issues', () => {
    const ring = square[0]!;
    const withPoint = (p: unknown) => ({ perimeter: [[p, ...ring.slice(1, -1), p]], bufferM: 200 });
    for (const p of [
      [NaN, 28.68],
      [115.9, Infinity],
      [181, 28.68],
      ['115.9', 28.68],
    ]) {
      const r = eventAreaInput.safeParse(withPoint(p));
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.path.slice(0, 3)).toEqual(['perimeter', 0, 0]);
    }
    for (const bufferM of [9, 5_001, 20.5, NaN, '200']) {
      expect(eventAreaInput.safeParse({ perimeter: square, bufferM }).success).toBe(false);
    }

    const huge = Array.from({ length: PERIMETER_MAX_POINTS + 1 }, (_, i) => [115.9 + i * 1e-6, 28.68]);
    expect(eventPerimeter.safeParse([huge]).error?.issues[0]?.message).toBe('at most 2000 points');
    const many = Array.from({ length: 3 }, () => [...Array.from({ length: 700 }, () => ring[0]!), ring[0]!]);
    expect(eventPerimeter.safeParse(many).error?.issues[0]?.message).toBe('at most 2000 points in all (has 2103)');
  });

  it('answers any value with a result, never an exception', () => {
    const leaf = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.double(),
      fc.constantFrom(NaN, Infinity, -Infinity, null, undefined, true),
    );
    const shaped = fc.array(fc.array(fc.array(leaf, { maxLength: 3 }), { maxLength: 6 }), { maxLength: 3 });
    fc.assert(
      fc.property(fc.oneof(shaped, fc.anything(), leaf), leaf, (perimeter, bufferM) => {
        expect(eventAreaInput.safeParse({ perimeter, bufferM }).success).toBe(false);
        expect(() => eventPerimeter.safeParse(perimeter)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on random rings of valid coordinates (crossing, unclosed, degenerate)', () => {
    const point = fc.tuple(
      fc.constantFrom(115.9, 115.91, 115.92, 115.905),
      fc.constantFrom(28.68, 28.69, 28.7, 28.685),
    ) as fc.Arbitrary<LonLat>;
    const anyRing = fc.array(point, { maxLength: 12 });
    const closedRing = anyRing.map((r) => (r.length > 0 ? [...r, r[0]!] : r));
    fc.assert(
      fc.property(fc.array(fc.oneof(anyRing, closedRing), { minLength: 1, maxLength: 3 }), (polygon) => {
        const r = eventPerimeter.safeParse(polygon);
        expect(r.success).toBe(perimeterProblems(polygon).length === 0);
      }),
      { numRuns: 1_000 },
    );
  });
});
