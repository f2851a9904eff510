/**
 * Unit trails, the pure parts: the thinning rule hub and screen share (a point every step, the
 * newest always the head, a status change adds nothing), the screen's appending of pushes and its
 * trim, and the drawn paths (ages → alpha, cut at 15 minutes, a trail of one point draws nothing).
 */
import { describe, expect, it } from 'vitest';
import {
  appendTrailPoint,
  cutTrail,
  TRAIL_STEP_MS,
  TRAIL_WINDOW_MS,
  trailsFromReply,
  trailStep,
  type TrailPoint,
} from '@shared/trails';
import { buildTrailPaths, TRAIL_HEAD_ALPHA, trailAlpha } from '@client/map/trail-paths';
import { appendPushes, trimTrails } from '@client/stores/trails';
import type { UnitLive } from '@shared/incidents';

const T0 = Date.parse('2026-05-01T08:00:00Z');
const MIN = 60_000;
const pt = (t: number, lon: number, lat = 28.6): TrailPoint => ({ t, lon, lat });

describe('the thinning rule', () => {
  it.each([
    ['the first point', [], pt(T0, 1), 'push'],
    ['a second point, however soon', [pt(T0, 1)], pt(T0 + 1_000, 2), 'push'],
    [
      'a point after a head within a step of the point before it',
      [pt(T0, 1), pt(T0 + 4_000, 2)],
      pt(T0 + 8_000, 3),
      'replace',
    ],
    [
      'a point after a head a step from the point before it',
      [pt(T0, 1), pt(T0 + TRAIL_STEP_MS, 2)],
      pt(T0 + TRAIL_STEP_MS + 1_000, 3),
      'push',
    ],
    ['a point no newer than the last', [pt(T0, 1), pt(T0 + 20_000, 2)], pt(T0 + 20_000, 3), 'skip'],
    ['the same place again (a status change)', [pt(T0, 1)], pt(T0 + 30_000, 1), 'skip'],
  ] as const)('%s: %s', (_what, points, p, expected) => {
    expect(trailStep(points, p)).toBe(expected);
  });

  it('keeps the newest position as the head and the kept points a step apart', () => {
    let trail: readonly TrailPoint[] = [];
    for (let s = 0; s <= 60; s += 5) trail = appendTrailPoint(trail, pt(T0 + s * 1000, 115 + s / 1000));
    expect(trail.map((p) => (p.t - T0) / 1000)).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(trail.at(-1)!.lon).toBe(115.06);
  });

  it('never mutates the trail it is given, and skipping returns the same array', () => {
    const trail = Object.freeze([pt(T0, 1), pt(T0 + 4_000, 2)]);
    expect(appendTrailPoint(trail, pt(T0 + 5_000, 3))).toEqual([pt(T0, 1), pt(T0 + 5_000, 3)]);
    expect(appendTrailPoint(trail, pt(T0 + 5_000, 2))).toBe(trail);
    expect(cutTrail(trail, T0)).toBe(trail);
    expect(cutTrail(trail, T0 + 1)).toEqual([pt(T0 + 4_000, 2)]);
  });

  it("reads a reply's ages back onto the hub's clock", () => {
    const reply = { now: new Date(T0).toISOString(), trails: [{ unitId: 'u', path: [1, 2, 3, 4], ages: [30, 0] }] };
    expect(trailsFromReply(reply).get('u')).toEqual([
      { t: T0 - 30_000, lon: 1, lat: 2 },
      { t: T0, lon: 3, lat: 4 },
    ]);
  });
});

describe("the screen's trails", () => {
  const live = (id: string, t: number, lon: number): UnitLive => ({
    id,
    callsign: id,
    kind: 'police',
    status: 'available',
    position: [lon, 28.6],
    updatedAt: new Date(t).toISOString(),
    incidentId: null,
  });

  it('grow from pushes, drop what fell out of the window, and say when nothing changed', () => {
    const held = new Map([['a', [pt(T0 - 20 * MIN, 1), pt(T0 - 5 * MIN, 2)]]]);
    const next = appendPushes(held, [live('a', T0, 3), live('b', T0, 9)], T0 - TRAIL_WINDOW_MS)!;
    expect(next.get('a')).toEqual([pt(T0 - 5 * MIN, 2), pt(T0, 3)]);
    expect(next.get('b')).toEqual([pt(T0, 9)]);
    expect(held.get('a')).toHaveLength(2);
    // The same state again (its status pushed): nothing to redraw.
    expect(appendPushes(next, [live('a', T0 + 1_000, 3)], T0 - TRAIL_WINDOW_MS)).toBeNull();
  });

  it('are trimmed without a push, and a trail left empty goes', () => {
    const held = new Map([
      ['a', [pt(T0 - 20 * MIN, 1), pt(T0 - 5 * MIN, 2)]],
      ['b', [pt(T0 - 16 * MIN, 1)]],
      ['c', [pt(T0 - MIN, 1)]],
    ]);
    const next = trimTrails(held, T0 - TRAIL_WINDOW_MS)!;
    expect([...next.keys()]).toEqual(['a', 'c']);
    expect(next.get('a')).toEqual([pt(T0 - 5 * MIN, 2)]);
    expect(next.get('c')).toBe(held.get('c'));
    expect(trimTrails(next, T0 - TRAIL_WINDOW_MS)).toBeNull();
  });
});

describe('drawn trails', () => {
  it('fade linearly with age, from the head to nothing at 15 minutes', () => {
    expect(trailAlpha(0)).toBe(TRAIL_HEAD_ALPHA);
    expect(trailAlpha(-5_000)).toBe(TRAIL_HEAD_ALPHA);
    expect(trailAlpha(TRAIL_WINDOW_MS / 2)).toBe(TRAIL_HEAD_ALPHA / 2);
    expect(trailAlpha(TRAIL_WINDOW_MS)).toBe(0);
    expect(trailAlpha(TRAIL_WINDOW_MS + MIN)).toBe(0);
    expect(trailAlpha(5 * MIN)).toBeGreaterThan(trailAlpha(10 * MIN));
  });

  it('cut points older than the window, skip trails of one point, colour each vertex by kind and age', () => {
    const trails = new Map<string, readonly TrailPoint[]>([
      ['a', [pt(T0 - 20 * MIN, 1), pt(T0 - 10 * MIN, 2), pt(T0 - 5 * MIN, 3), pt(T0, 4)]],
      ['b', [pt(T0 - 16 * MIN, 7), pt(T0, 8)]],
      ['c', [pt(T0 - 15 * MIN, 5), pt(T0 - 7.5 * MIN, 6)]],
    ]);
    const colors: Record<string, [number, number, number]> = { a: [10, 20, 30], c: [40, 50, 60] };
    const out = buildTrailPaths(
      trails,
      T0,
      (p) => [p[0] * 10, p[1]],
      (id) => colors[id] ?? [0, 0, 0],
    );
    expect(out.length).toBe(2);
    expect([...out.startIndices]).toEqual([0, 3, 5]);
    expect([...out.positions].filter((_, i) => i % 2 === 0)).toEqual([20, 30, 40, 50, 60]);
    const rgba = (v: number) => [...out.colors.subarray(4 * v, 4 * v + 4)];
    expect(rgba(0)).toEqual([10, 20, 30, trailAlpha(10 * MIN)]);
    expect(rgba(2)).toEqual([10, 20, 30, TRAIL_HEAD_ALPHA]);
    // Exactly 15 minutes old: still in the window, at alpha 0.
    expect(rgba(3)).toEqual([40, 50, 60, 0]);
    expect(rgba(4)).toEqual([40, 50, 60, TRAIL_HEAD_ALPHA / 2]);
  });

  it('draw nothing when there is nothing recent', () => {
    const out = buildTrailPaths(
      new Map([['a', [pt(T0 - 30 * MIN, 1), pt(T0 - 20 * MIN, 2)]]]),
      T0,
      (p) => [p[0], p[1]],
      () => [1, 2, 3],
    );
    expect(out.length).toBe(0);
    expect([...out.startIndices]).toEqual([0]);
  });
});
