/**
 * Unit trails (issue 15) on the wire, and the one rule that thins them: where each field unit of a
 * scope was over the last TRAIL_WINDOW_MS (`GET /api/v1/units/trails`), compact (per unit a flat
 * [lon, lat, …] path and each point's age), and kept current by the 'unit:batch' pushes the map
 * already receives. The hub thins what it serves and a screen thins what it appends by the same
 * rule (trailStep), so a trail looks the same whether it was loaded or grew live.
 */
import { z } from 'zod';

/** A trail shows where a unit was over the last 15 minutes. */
export const TRAIL_WINDOW_MS = 15 * 60_000;
/**
 * Consecutive kept points are at least this far apart in time: the demo's units move every 5 s, a
 * phone may report every second; one point every 10 s draws the same line with a fraction of the
 * points (600 units × 90 points at full scale).
 */
export const TRAIL_STEP_MS = 10_000;

/** One position of a unit, at `t` (epoch ms, the hub's clock). */
export interface TrailPoint {
  t: number;
  lon: number;
  lat: number;
}

/**
 * What appending `p` to `points` (oldest first) does: a point no newer than the last, or where the
 * unit already is (a status change, not a move), is skipped; while the last point lies within
 * `stepMs` of the one before it, it is only the head so far and `p` replaces it; otherwise `p` is
 * pushed. So the head is always the newest position and the points behind it stay a step apart.
 */
export function trailStep(
  points: readonly TrailPoint[],
  p: TrailPoint,
  stepMs = TRAIL_STEP_MS,
): 'skip' | 'replace' | 'push' {
  const last = points[points.length - 1];
  if (!last) return 'push';
  if (p.t <= last.t || (p.lon === last.lon && p.lat === last.lat)) return 'skip';
  const before = points[points.length - 2];
  return before && last.t - before.t < stepMs ? 'replace' : 'push';
}

/** `points` with `p` appended by trailStep's rule: a new array, or the same one when skipped. */
export function appendTrailPoint(
  points: readonly TrailPoint[],
  p: TrailPoint,
  stepMs = TRAIL_STEP_MS,
): readonly TrailPoint[] {
  switch (trailStep(points, p, stepMs)) {
    case 'skip':
      return points;
    case 'replace':
      return [...points.slice(0, -1), p];
    case 'push':
      return [...points, p];
  }
}

/** `points` without those older than `since` (epoch ms); the same array when none are. */
export function cutTrail(points: readonly TrailPoint[], since: number): readonly TrailPoint[] {
  let i = 0;
  while (i < points.length && points[i]!.t < since) i++;
  return i === 0 ? points : points.slice(i);
}

/** `GET /api/v1/units/trails`: the trails of the caller's units (by home region). */
export const unitTrailsReply = z.object({
  /** When the hub answered (its clock): each age counts back from it. */
  now: z.string(),
  trails: z.array(
    z.object({
      unitId: z.string(),
      /** lon, lat, lon, lat, … (WGS84), oldest first. */
      path: z.array(z.number()),
      /** Seconds before `now`, one per point. */
      ages: z.array(z.number()),
    }),
  ),
});
export type UnitTrailsReply = z.infer<typeof unitTrailsReply>;

/** A reply's trails as points on the hub's clock (a screen appends pushes, which carry that clock's time). */
export function trailsFromReply(reply: UnitTrailsReply): Map<string, readonly TrailPoint[]> {
  const now = Date.parse(reply.now);
  const out = new Map<string, readonly TrailPoint[]>();
  for (const tr of reply.trails) {
    const points: TrailPoint[] = [];
    for (let i = 0; i < tr.ages.length; i++)
      points.push({ t: now - tr.ages[i]! * 1000, lon: tr.path[2 * i]!, lat: tr.path[2 * i + 1]! });
    out.set(tr.unitId, points);
  }
  return out;
}
