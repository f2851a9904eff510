/**
 * Unit trails as the map draws them: one path per unit over typed arrays (deck.gl's binary
 * PathLayer data: start indices, positions, a colour per vertex) whose alpha falls with each
 * point's age, so the trail fades towards where the unit was 15 minutes ago. Points older than the
 * window are cut, and a trail left with fewer than two points draws nothing. Pure: the caller says
 * what "now" is and recomputes when the trails change (no animation runs between).
 */
import { TRAIL_WINDOW_MS, type TrailPoint } from '@shared/trails';

type RGB = readonly [number, number, number] | readonly [number, number, number, number];

/** The alpha of the newest point (the head, where the unit is); the oldest fades to 0. */
export const TRAIL_HEAD_ALPHA = 220;

export interface TrailAttributes {
  /** Paths. */
  length: number;
  /** Index of each path's first vertex, then the total vertex count. */
  startIndices: Uint32Array;
  /** [x, y] per vertex, as drawn (already in the map's CRS). */
  positions: Float32Array;
  /** RGBA per vertex. */
  colors: Uint8Array;
}

/** A point `ageMs` old: TRAIL_HEAD_ALPHA now, falling linearly to 0 at the window's end (0 beyond). */
export function trailAlpha(ageMs: number, windowMs = TRAIL_WINDOW_MS): number {
  if (ageMs >= windowMs) return 0;
  return Math.round(TRAIL_HEAD_ALPHA * (1 - Math.max(0, ageMs) / windowMs));
}

export function buildTrailPaths(
  trails: Iterable<readonly [string, readonly TrailPoint[]]>,
  now: number,
  place: (p: readonly [number, number]) => [number, number],
  colorOf: (unitId: string) => RGB,
  windowMs = TRAIL_WINDOW_MS,
): TrailAttributes {
  const since = now - windowMs;
  const kept: [string, readonly TrailPoint[], number][] = [];
  let vertices = 0;
  for (const [id, points] of trails) {
    let first = 0;
    while (first < points.length && points[first]!.t < since) first++;
    if (points.length - first < 2) continue;
    kept.push([id, points, first]);
    vertices += points.length - first;
  }
  const startIndices = new Uint32Array(kept.length + 1);
  const positions = new Float32Array(2 * vertices);
  const colors = new Uint8Array(4 * vertices);
  let v = 0;
  kept.forEach(([id, points, first], k) => {
    startIndices[k] = v;
    const [r, g, b] = colorOf(id);
    for (let i = first; i < points.length; i++, v++) {
      const p = points[i]!;
      const [x, y] = place([p.lon, p.lat]);
      positions[2 * v] = x;
      positions[2 * v + 1] = y;
      colors.set([r, g, b, trailAlpha(now - p.t, windowMs)], 4 * v);
    }
  });
  startIndices[kept.length] = v;
  return { length: kept.length, startIndices, positions, colors };
}
