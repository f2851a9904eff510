/**
 * The event planner's pure parts (client/src/events/plan-geometry.ts, usePlanForm's draftOf and
 * bodyOf): coordinate conversion of drawn shapes, the cameras inside, the district under a point,
 * units nearest first, ISO times with an offset, and where the hub's 400 puts its message.
 */
import { describe, expect, it } from 'vitest';
import { wgs84ToGcj02 } from '@shared/crs';
import { majorEventBody } from '@shared/major-events';
import {
  convertPoint,
  convertPolygon,
  featureAt,
  inRings,
  isoWithOffset,
  nearestFirst,
  planErrorsOf,
  planFieldOf,
  pointsInside,
} from '@client/events/plan-geometry';
import { bodyOf, draftOf } from '@client/events/usePlanForm';

const same = (p: readonly [number, number]): [number, number] => [p[0], p[1]];
const gcj = (p: readonly [number, number]): [number, number] => wgs84ToGcj02(p[0], p[1]);
/** A ~200 m square in Nanchang, as Terra Draw gives it (closed). */
const SQUARE = [
  [
    [115.89, 28.68],
    [115.892, 28.68],
    [115.892, 28.682],
    [115.89, 28.682],
    [115.89, 28.68],
  ],
];

describe('convertPolygon', () => {
  it('rounds to 6 decimals, drops repeated points and keeps the ring closed', () => {
    const ring = [
      [115.1234567, 28.1],
      [115.1234567, 28.1],
      [115.2, 28.1],
      [115.2, 28.2],
      [115.1234567, 28.1],
    ];
    expect(convertPolygon([ring], same)).toEqual([
      [
        [115.123457, 28.1],
        [115.2, 28.1],
        [115.2, 28.2],
        [115.123457, 28.1],
      ],
    ]);
  });

  it('closes an open ring', () => {
    const out = convertPolygon([SQUARE[0]!.slice(0, 4)], same)[0]!;
    expect(out[out.length - 1]).toEqual(out[0]);
    expect(out).toHaveLength(5);
  });

  it('converts every point (drawn GCJ-02 → WGS84 round trip stays within a metre)', () => {
    const drawn = convertPolygon(SQUARE, gcj);
    expect(drawn[0]![0]![0]).not.toBe(115.89);
    // The inverse here: the offset is near-constant over 200 m, so subtracting it back is exact enough.
    const back = convertPolygon(drawn, (p) => {
      const d = gcj(p);
      return [2 * p[0] - d[0], 2 * p[1] - d[1]];
    });
    back[0]!.forEach((p, i) => {
      expect(Math.abs(p[0] - SQUARE[0]![i]![0]!)).toBeLessThan(1e-5);
      expect(Math.abs(p[1] - SQUARE[0]![i]![1]!)).toBeLessThan(1e-5);
    });
  });

  it('gives a perimeter the hub accepts', () => {
    const body = bodyOf(
      {
        ...draftOf(null, Date.parse('2026-05-01T10:00:00Z')),
        name: 'x',
        regionCode: '360102',
        perimeter: convertPolygon(SQUARE, same),
      },
      480,
    );
    expect(body.ok).toBe(true);
    if (body.ok) expect(majorEventBody.safeParse(body.body).success).toBe(true);
  });
});

describe('points and areas', () => {
  it('convertPoint rounds', () => {
    expect(convertPoint([1.00000049, 2], same)).toEqual([1, 2]);
  });

  it('inRings is even-odd: a hole is outside', () => {
    const outer = [
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10],
      [0, 0],
    ];
    const hole = [
      [4, 4],
      [6, 4],
      [6, 6],
      [4, 6],
      [4, 4],
    ];
    expect(inRings(1, 1, [outer, hole])).toBe(true);
    expect(inRings(5, 5, [outer, hole])).toBe(false);
    expect(inRings(11, 5, [outer])).toBe(false);
  });

  it('pointsInside finds the points inside any area, up to the limit', () => {
    const positions = Float32Array.from([115.891, 28.681, 115.9, 28.69, 115.8915, 28.6815, 0, 0]);
    expect(pointsInside(positions, [SQUARE])).toEqual([0, 2]);
    expect(pointsInside(positions, [SQUARE], 1)).toEqual([0]);
    expect(pointsInside(positions, [])).toEqual([]);
  });

  it('featureAt finds the feature of a packed polygon layer holding the point', () => {
    // Two squares side by side: features 0 and 1, one polygon and one ring each.
    const layer = {
      position: [0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 2, 0, 2, 1, 1, 1, 1, 0],
      ringStart: [0, 5, 10],
      polygonStart: [0, 1, 2],
      featureStart: [0, 1, 2],
      count: 2,
    };
    expect(featureAt(layer, 0.5, 0.5)).toBe(0);
    expect(featureAt(layer, 1.5, 0.5)).toBe(1);
    expect(featureAt(layer, 3, 0.5)).toBe(-1);
  });

  it('nearestFirst sorts by distance and says it; without a place keeps the order', () => {
    const units = [
      { id: 'far', p: [115.95, 28.68] },
      { id: 'near', p: [115.891, 28.68] },
    ];
    const sorted = nearestFirst(units, [115.89, 28.68], (u) => u.p);
    expect(sorted.map((x) => x.item.id)).toEqual(['near', 'far']);
    expect(sorted[0]!.metres).toBeGreaterThan(90);
    expect(sorted[0]!.metres).toBeLessThan(110);
    expect(nearestFirst(units, null, (u) => u.p).map((x) => [x.item.id, x.metres])).toEqual([
      ['far', null],
      ['near', null],
    ]);
  });
});

describe('isoWithOffset', () => {
  it.each([
    [480, '2026-05-01T18:30:00+08:00'],
    [0, '2026-05-01T10:30:00+00:00'],
    [-330, '2026-05-01T05:00:00-05:30'],
  ])('offset %i → %s', (offset, iso) => {
    const ms = Date.parse('2026-05-01T10:30:00Z');
    expect(isoWithOffset(ms, offset)).toBe(iso);
    expect(Date.parse(iso)).toBe(ms);
  });
});

describe("the hub's 400 on the form", () => {
  it.each([
    ['body.perimeter[0]', 'perimeter'],
    ['body.perimeter.0', 'perimeter'],
    ['body.posts[2].position', 'posts'],
    ['body.endsAt', 'endsAt'],
    ['body.cameraIds.3', 'cameraIds'],
    ['body', 'general'],
    ['query.x', 'general'],
  ])('%s → %s', (path, field) => expect(planFieldOf(path)).toBe(field));

  it('takes the issues when the details list them, else the message', () => {
    expect(
      planErrorsOf('body.perimeter[0]: the boundary crosses itself at 1, 2', {
        issues: [
          { path: 'body.perimeter[0]', message: 'the boundary crosses itself at 1, 2' },
          { path: 'body.name', message: 'must not be empty' },
        ],
      }),
    ).toEqual({ perimeter: 'the boundary crosses itself at 1, 2', name: 'must not be empty' });
    expect(planErrorsOf('body.perimeter: must lie inside region 360102')).toEqual({
      perimeter: 'must lie inside region 360102',
    });
    expect(planErrorsOf('something odd')).toEqual({ general: 'something odd' });
  });
});

describe('draftOf and bodyOf', () => {
  it('a new draft runs six hours from the current minute and lacks name, region and perimeter', () => {
    const d = draftOf(null, Date.parse('2026-05-01T10:30:42Z'));
    expect(d.startsAt).toBe(Date.parse('2026-05-01T10:30:00Z'));
    expect(d.endsAt! - d.startsAt!).toBe(6 * 3_600_000);
    const b = bodyOf(d, 480);
    expect(b.ok ? [] : b.missing).toEqual(['name', 'regionCode', 'perimeter']);
  });

  it('sends only the coverage times given, trimmed staff, and the times with the offset', () => {
    const d = {
      ...draftOf(null, Date.parse('2026-05-01T10:00:00Z')),
      name: ' 演唱会 ',
      regionCode: '360102',
      perimeter: convertPolygon(SQUARE, same),
      posts: [
        {
          key: 'k',
          name: '北门',
          kind: 'checkpoint' as const,
          position: [115.891, 28.681] as [number, number],
          unitIds: ['u1'],
          staff: [' 张三 ', ''],
        },
      ],
    };
    d.coverage.police = 5;
    const b = bodyOf(d, 480);
    expect(b.ok).toBe(true);
    if (!b.ok) return;
    expect(b.body.name).toBe('演唱会');
    expect(b.body.coverage).toEqual({ police: 5 });
    expect(b.body.posts[0]).toEqual({
      name: '北门',
      kind: 'checkpoint',
      position: [115.891, 28.681],
      unitIds: ['u1'],
      staff: ['张三'],
    });
    expect(b.body.startsAt).toBe('2026-05-01T18:00:00+08:00');
    expect(majorEventBody.safeParse(b.body).success).toBe(true);
  });
});
