/** The leader view's pure parts (issue 17): inside the perimeter, the map's rest, camera pages, spans, post states. */
import { describe, expect, it } from 'vitest';
import { cameraPage, compiled, eventBounds, formatSpan, inside } from '../../client/src/events/lead';
import { postState } from '@shared/major-events';
import { shapeOf } from '../../client/src/stores/majorEvents';

const square = [
  [
    [115.9, 28.6],
    [115.91, 28.6],
    [115.91, 28.61],
    [115.9, 28.61],
    [115.9, 28.6],
  ],
] as [number, number][][];

describe('the leader view', () => {
  it('keeps what lies inside the perimeter or on its fence', () => {
    const p = compiled(square);
    const items = [
      { id: 'in', position: [115.905, 28.605] as [number, number] },
      { id: 'edge', position: [115.9, 28.605] as [number, number] },
      { id: 'out', position: [115.92, 28.605] as [number, number] },
      { id: 'nan', position: [Number.NaN, 28.605] as [number, number] },
    ];
    expect(inside(items, p).map((i) => i.id)).toEqual(['in', 'edge']);
  });

  it('rests the map on the buffer ring, else the perimeter', () => {
    const ring = [
      [
        [115.89, 28.59],
        [115.92, 28.59],
        [115.92, 28.62],
        [115.89, 28.59],
      ],
    ] as [number, number][][];
    expect(eventBounds({ perimeter: square, bufferRing: ring })).toEqual([115.89, 28.59, 115.92, 28.62]);
    expect(eventBounds({ perimeter: square, bufferRing: [] })).toEqual([115.9, 28.6, 115.91, 28.61]);
  });

  it('pages through the pinned cameras on the dwell, and shows a short list whole', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
    expect(cameraPage(ids, 9, 0, 20_000)).toEqual({ items: ids.slice(0, 9), page: 0, pages: 3 });
    expect(cameraPage(ids, 9, 20_000, 20_000).items).toEqual(ids.slice(9, 18));
    expect(cameraPage(ids, 9, 40_000, 20_000).items).toEqual(ids.slice(18));
    expect(cameraPage(ids, 9, 60_000, 20_000).page).toBe(0);
    expect(cameraPage(ids.slice(0, 4), 9, 123_456, 20_000)).toEqual({ items: ids.slice(0, 4), page: 0, pages: 1 });
    expect(cameraPage([], 9, 0, 20_000)).toEqual({ items: [], page: 0, pages: 1 });
  });

  it('says a span in seconds, minutes or hours', () => {
    const u = { s: 's', min: 'min', h: 'h' };
    expect(formatSpan(null, u)).toBe('—');
    expect(formatSpan(42.4, u)).toBe('42 s');
    expect(formatSpan(360, u)).toBe('6 min');
    expect(formatSpan(4800, u)).toBe('1 h 20 min');
  });

  it("colours a post by its units' statuses", () => {
    expect(postState(['available', 'available'], 0)).toBe('ready');
    expect(postState(['available', 'busy'], 0)).toBe('partial');
    expect(postState(['busy', undefined], 3)).toBe('down');
    expect(postState([], 2)).toBe('ready');
    expect(postState([], 0)).toBe('down');
    const units = new Map([['u1', { status: 'available' }]]);
    const shape = shapeOf(
      {
        id: 'e',
        perimeter: square,
        bufferRing: [],
        posts: [{ name: '北门', kind: 'post', position: [115.905, 28.61], unitIds: ['u1', 'gone'], staff: [] }],
      } as never,
      units,
    );
    expect(shape.posts[0]!.state).toBe('partial');
  });
});
