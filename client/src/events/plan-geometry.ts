/**
 * The event planner's pure geometry and form mapping (issue 17): no Vue, no MapLibre, unit-tested
 * (tests/unit/event-plan.test.ts).
 *
 * Two coordinate systems meet here. The hub stores WGS84; the map may draw its basemap in GCJ-02
 * (stores/basemap.ts), and Terra Draw hands back what was clicked *on the map*, so a drawn
 * perimeter is converted to WGS84 before it is sent and a stored one to the drawn system before it
 * is loaded. The conversions are passed in (`Place`), so this module stays pure.
 */
import type { LonLat, Polygon } from '@shared/world';

/** A point from one coordinate system to the other (toDrawn / fromDrawn of stores/basemap.ts). */
export type Convert = (p: readonly [number, number]) => [number, number];

/** 6 decimals: ~0.1 m, finer than any click, and a payload that does not carry float noise. */
const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

/** Each ring converted, rounded, without consecutive repeats, and closed (its first point repeated last). */
export function convertPolygon(polygon: readonly (readonly (readonly number[])[])[], convert: Convert): Polygon {
  return polygon.map((ring) => {
    const out: LonLat[] = [];
    for (const p of ring) {
      const [x, y] = convert([p[0]!, p[1]!]);
      const q: LonLat = [round6(x), round6(y)];
      const last = out[out.length - 1];
      if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
    }
    const first = out[0];
    const last = out[out.length - 1];
    // A closing point that converted to a slightly different place than the first (float noise) is
    // replaced by the first: the hub requires a closed ring, exactly.
    if (first && last && out.length > 1 && Math.abs(first[0] - last[0]) < 1e-6 && Math.abs(first[1] - last[1]) < 1e-6)
      out[out.length - 1] = [first[0], first[1]];
    else if (first) out.push([first[0], first[1]]);
    return out;
  });
}

/** A point converted and rounded. */
export function convertPoint(p: readonly number[], convert: Convert): LonLat {
  const [x, y] = convert([p[0]!, p[1]!]);
  return [round6(x), round6(y)];
}

/** Even-odd test of a point against rings (outer rings and holes together: a point in a hole is out). */
export function inRings(x: number, y: number, rings: readonly (readonly (readonly number[])[])[]): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const xi = ring[i]![0]!,
        yi = ring[i]![1]!,
        xj = ring[j]![0]!,
        yj = ring[j]![1]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** [minX, minY, maxX, maxY] of every point of the rings. */
export function ringsBounds(rings: readonly (readonly (readonly number[])[])[]): [number, number, number, number] {
  let w = Infinity,
    s = Infinity,
    e = -Infinity,
    n = -Infinity;
  for (const r of rings)
    for (const p of r) {
      if (p[0]! < w) w = p[0]!;
      if (p[0]! > e) e = p[0]!;
      if (p[1]! < s) s = p[1]!;
      if (p[1]! > n) n = p[1]!;
    }
  return [w, s, e, n];
}

/**
 * The indexes of the points (interleaved x, y, as the compact layers hold them) inside any of the
 * areas (each a polygon: outer ring and holes), in index order, at most `limit`. A bounding-box
 * test first, so 130k cameras cost a few milliseconds.
 */
export function pointsInside(
  positions: ArrayLike<number>,
  areas: readonly (readonly (readonly (readonly number[])[])[])[],
  limit = Infinity,
): number[] {
  const boxes = areas.map(ringsBounds);
  const out: number[] = [];
  const n = positions.length / 2;
  for (let i = 0; i < n && out.length < limit; i++) {
    const x = positions[2 * i]!,
      y = positions[2 * i + 1]!;
    for (let a = 0; a < areas.length; a++) {
      const b = boxes[a]!;
      if (x < b[0] || x > b[2] || y < b[1] || y > b[3]) continue;
      if (inRings(x, y, areas[a]!)) {
        out.push(i);
        break;
      }
    }
  }
  return out;
}

/** The polygon features of a compact layer, as its typed arrays hold them (shared/packed.ts). */
export interface PackedPolygons {
  position: ArrayLike<number>;
  ringStart: ArrayLike<number>;
  polygonStart: ArrayLike<number>;
  featureStart: ArrayLike<number>;
  count: number;
}

/** The index of the first feature holding the point (every ring of it, even-odd), or -1. */
export function featureAt(l: PackedPolygons, x: number, y: number): number {
  for (let f = 0; f < l.count; f++) {
    const r0 = l.polygonStart[l.featureStart[f]!]!;
    const r1 = l.polygonStart[l.featureStart[f + 1]!]!;
    let inside = false;
    for (let r = r0; r < r1; r++) {
      const v0 = l.ringStart[r]!;
      const v1 = l.ringStart[r + 1]!;
      for (let i = v0, j = v1 - 1; i < v1; j = i++) {
        const xi = l.position[2 * i]!,
          yi = l.position[2 * i + 1]!,
          xj = l.position[2 * j]!,
          yj = l.position[2 * j + 1]!;
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
    if (inside) return f;
  }
  return -1;
}

/** Metres between two WGS84 points (equirectangular: exact enough to sort units near a post). */
export function distanceM(a: readonly number[], b: readonly number[]): number {
  const lat = ((a[1]! + b[1]!) / 2) * (Math.PI / 180);
  const dx = (b[0]! - a[0]!) * 111_320 * Math.cos(lat);
  const dy = (b[1]! - a[1]!) * 110_574;
  return Math.hypot(dx, dy);
}

/** The items sorted by distance from `at` (nearest first), with it; without `at`, in their order. */
export function nearestFirst<T>(
  items: readonly T[],
  at: readonly number[] | null,
  position: (t: T) => readonly number[],
): { item: T; metres: number | null }[] {
  if (!at) return items.map((item) => ({ item, metres: null }));
  return items
    .map((item, i) => ({ item, i, metres: distanceM(at, position(item)) }))
    .sort((a, b) => a.metres - b.metres || a.i - b.i)
    .map(({ item, metres }) => ({ item, metres }));
}

/**
 * An instant as ISO 8601 with the given offset (minutes east of UTC, e.g. 480 for +08:00), to the
 * second: `2026-05-01T19:30:00+08:00`. The hub wants an offset; the commander's own reads best in
 * the audit log.
 */
export function isoWithOffset(ms: number, offsetMin: number): string {
  const local = new Date(ms + offsetMin * 60_000);
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local.toISOString().slice(0, 19)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The fields of the plan form a hub problem may name. */
export const PLAN_FIELDS = [
  'name',
  'regionCode',
  'perimeter',
  'bufferM',
  'startsAt',
  'endsAt',
  'posts',
  'cameraIds',
  'presetId',
  'coverage',
] as const;
export type PlanField = (typeof PLAN_FIELDS)[number] | 'general';
export type PlanErrors = Partial<Record<PlanField, string>>;

/** 'body.perimeter.0', 'body.posts[2].position', 'body.endsAt' → the form field; anything else → general. */
export function planFieldOf(path: string): PlanField {
  const m = /^(?:body\.)?([A-Za-z]+)/.exec(path);
  const f = m?.[1];
  return f && (PLAN_FIELDS as readonly string[]).includes(f) ? (f as PlanField) : 'general';
}

/**
 * The fields a hub's 400 names: its details' issues (`{ path: 'body.perimeter.0', message }`) when
 * it lists them, else its message (`body.perimeter: must lie inside region 360102`).
 */
export function planErrorsOf(message: string, details?: unknown): PlanErrors {
  const issues = (details as { issues?: unknown } | undefined)?.issues;
  const listed = Array.isArray(issues)
    ? issues.filter(
        (i): i is { path: string; message: string } =>
          typeof (i as { path?: unknown }).path === 'string' &&
          typeof (i as { message?: unknown }).message === 'string',
      )
    : [];
  const out: PlanErrors = {};
  if (listed.length) {
    for (const i of listed) out[planFieldOf(i.path)] ??= i.message;
    return out;
  }
  const m = /^([^:\s]+): (.*)$/s.exec(message);
  const field = m ? planFieldOf(m[1]!) : 'general';
  out[field] = field === 'general' ? message : m![2]!;
  return out;
}
