/** The heat layer's pure parts (shared/heat-time.ts): columns, sub-window stepping, colour domain. */
import { describe, expect, it } from 'vitest';
import {
  filterRange,
  heatColorDomain,
  heatPoints,
  lastStart,
  nextStart,
  peakCellCount,
  playbackFor,
  rangeInstants,
  snapStart,
  type HeatPoints,
} from '@shared/heat-time';
import type { HeatReply } from '@shared/stats';

const HOUR = 60,
  DAY = 1440;

function reply(t: number[], lon = t.map(() => 120.1), lat = t.map(() => 30.2)): HeatReply {
  return {
    window: {
      from: '2026-03-01T16:00:00.000Z',
      to: '2026-03-08T16:00:00.000Z',
      firstDay: '2026-03-02',
      lastDay: '2026-03-08',
    },
    origin: '2026-03-01T16:00:00.000Z',
    lon,
    lat,
    t,
    priority: t.map(() => 2),
  };
}

describe('heatPoints', () => {
  it('packs the columns as 32-bit floats and keeps the offsets exact', () => {
    const year = 366 * DAY - 1; // the last minute of a leap year
    const h = heatPoints(reply([0, 5, year]));
    expect(h.count).toBe(3);
    expect(Array.from(h.times)).toEqual([0, 5, year]);
    expect(h.positions[0]).toBeCloseTo(120.1, 5);
    expect(h.positions[1]).toBeCloseTo(30.2, 5);
    expect(h.span).toBe(7 * DAY);
    expect(h.origin).toBe(Date.parse('2026-03-01T16:00:00.000Z'));
  });

  it('an epoch in ms would not survive a 32-bit float: why offsets', () => {
    const ms = Date.parse('2026-03-01T16:07:00.000Z');
    expect(Math.fround(ms)).not.toBe(ms);
    expect(Math.fround(ms / 60_000)).not.toBe(ms / 60_000);
  });
});

describe('playback', () => {
  it.each([
    [DAY, { size: HOUR, step: 15 }],
    [7 * DAY, { size: DAY, step: 2 * HOUR }],
    [30 * DAY, { size: DAY, step: 6 * HOUR }],
    [365 * DAY, { size: 7 * DAY, step: DAY }],
  ])('a window of %i minutes plays %o', (span, p) => {
    expect(playbackFor(span)).toEqual(p);
  });

  it('steps on, stops at the last start and wraps to the first', () => {
    const p = { size: DAY, step: 2 * HOUR };
    const span = 7 * DAY;
    expect(lastStart(span, p)).toBe(6 * DAY);
    expect(nextStart(0, span, p)).toBe(120);
    expect(nextStart(6 * DAY - 60, span, p)).toBe(6 * DAY);
    expect(nextStart(6 * DAY, span, p)).toBe(0);
    // A window shorter than a sub-window: always 0.
    expect(lastStart(30, p)).toBe(0);
    expect(nextStart(0, 30, p)).toBe(0);
  });

  it('snaps a dragged start onto the steps, inside the range', () => {
    const p = { size: DAY, step: 2 * HOUR };
    expect(snapStart(130, 7 * DAY, p)).toBe(120);
    expect(snapStart(-50, 7 * DAY, p)).toBe(0);
    expect(snapStart(10 * DAY, 7 * DAY, p)).toBe(6 * DAY);
  });

  it('filters [start, start + size): an incident on the boundary counts once', () => {
    const p = { size: DAY, step: 2 * HOUR };
    const [a, b] = filterRange(0, 7 * DAY, p);
    const [c] = filterRange(DAY, 7 * DAY, p);
    const inside = (t: number, r: [number, number]) => t >= r[0] && t <= r[1];
    expect(inside(DAY, [a, b])).toBe(false);
    expect(inside(DAY, [c, c + 1])).toBe(true);
    expect(inside(DAY - 1, [a, b])).toBe(true);
    expect(filterRange(null, 7 * DAY, p)).toEqual([0, 7 * DAY]);
  });

  it('says what a sub-window covers as instants', () => {
    const [from, to] = rangeInstants(DAY, { origin: Date.parse('2026-03-01T16:00:00Z') }, { size: DAY, step: 60 });
    expect(from.toISOString()).toBe('2026-03-02T16:00:00.000Z');
    expect(to.toISOString()).toBe('2026-03-03T16:00:00.000Z');
  });
});

describe('colour domain', () => {
  const h = (t: number[], lon: number[]): HeatPoints =>
    heatPoints(
      reply(
        t,
        lon,
        lon.map(() => 30.2),
      ),
    );

  it('counts the busiest cell of one sub-window, or of the whole window', () => {
    // Three in one cell on day 0, two of them in the same cell on day 1, one elsewhere.
    const points = h([10, 20, 30, DAY + 10, DAY + 20, 40], [120.101, 120.102, 120.103, 120.101, 120.102, 120.5]);
    expect(peakCellCount(points, { size: DAY, step: 60 })).toBe(3);
    expect(peakCellCount(points, null)).toBe(5);
    expect(peakCellCount(heatPoints(reply([])), null)).toBe(0);
  });

  it('is fixed by the peak alone, grows with it, and has a floor', () => {
    const [lo, hi] = heatColorDomain(10);
    expect(hi).toBeGreaterThan(lo);
    expect(lo).toBeCloseTo(hi / 20);
    expect(heatColorDomain(10)).toEqual([lo, hi]);
    expect(heatColorDomain(20)[1]).toBeCloseTo(2 * hi, 8);
    expect(heatColorDomain(0)).toEqual(heatColorDomain(1));
  });
});
