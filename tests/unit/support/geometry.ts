/**
 * Geometry for the demo-city tests, written independently of server/demo so the tests do not
 * trust the code they test. Planar metres use a local equirectangular approximation.
 */
import type { LonLat, MultiPolygon, Region } from '@shared/world';

export function ringArea(ring: readonly LonLat[]): number {
  let s = 0;
  const [x0, y0] = ring[0]!;
  for (let i = 0; i + 1 < ring.length; i++) {
    s += (ring[i]![0] - x0) * (ring[i + 1]![1] - y0) - (ring[i + 1]![0] - x0) * (ring[i]![1] - y0);
  }
  return s / 2;
}
export function mpArea(mp: MultiPolygon): number {
  return mp.reduce((a, poly) => a + poly.reduce((b, r) => b + ringArea(r), 0), 0);
}
export function inRing(x: number, y: number, ring: readonly LonLat[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
export function inMulti(p: LonLat, mp: MultiPolygon): boolean {
  return mp.some((poly) => inRing(p[0], p[1], poly[0]!) && !poly.slice(1).some((h) => inRing(p[0], p[1], h)));
}
/** Strictly inside a convex counter-clockwise ring (every cross product > 0). */
export function strictlyInsideConvex(p: LonLat, ring: readonly LonLat[]): boolean {
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    if ((b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) <= 0) return false;
  }
  return true;
}
export const key = (p: LonLat) => `${p[0]},${p[1]}`;
/** Directed edges of every ring of a MultiPolygon. */
export function edges(mp: MultiPolygon): string[] {
  const out: string[] = [];
  for (const poly of mp)
    for (const r of poly) for (let i = 0; i + 1 < r.length; i++) out.push(`${key(r[i]!)}>${key(r[i + 1]!)}`);
  return out;
}
export const reverse = (e: string) => e.split('>').reverse().join('>');
/** Boundary edges of a union; null if some directed edge occurs twice (overlap). */
export function unionBoundary(members: readonly Region[]): Set<string> | null {
  const all = new Set<string>();
  for (const m of members) {
    for (const e of edges(m.boundary)) {
      if (all.has(e)) return null;
      all.add(e);
    }
  }
  const out = new Set<string>();
  for (const e of all) if (!all.has(reverse(e))) out.add(e);
  return out;
}
export function sameSet(a: Set<string> | null, b: readonly string[]): boolean {
  return a !== null && a.size === b.length && b.every((e) => a.has(e));
}
export function distM(a: LonLat, b: LonLat): number {
  const dx = (b[0] - a[0]) * 111_320 * Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180);
  return Math.hypot(dx, (b[1] - a[1]) * 110_574);
}
export function lineLength(line: readonly LonLat[]): number {
  let s = 0;
  for (let i = 1; i < line.length; i++) s += distM(line[i - 1]!, line[i]!);
  return s;
}
/** Point at distance s along a line. */
export function along(line: readonly LonLat[], s: number): LonLat {
  for (let i = 1; i < line.length; i++) {
    const d = distM(line[i - 1]!, line[i]!);
    if (s <= d) {
      const t = s / d;
      return [
        line[i - 1]![0] + (line[i]![0] - line[i - 1]![0]) * t,
        line[i - 1]![1] + (line[i]![1] - line[i - 1]![1]) * t,
      ];
    }
    s -= d;
  }
  return line[line.length - 1]!;
}
/** Minimum distance from p to a polyline, metres (local planar). */
export function distToLine(p: LonLat, line: readonly LonLat[]): number {
  const kx = 111_320 * Math.cos((p[1] * Math.PI) / 180);
  const ky = 110_574;
  let best = Infinity;
  for (let i = 1; i < line.length; i++) {
    const ax = (line[i - 1]![0] - p[0]) * kx;
    const ay = (line[i - 1]![1] - p[1]) * ky;
    const bx = (line[i]![0] - p[0]) * kx;
    const by = (line[i]![1] - p[1]) * ky;
    const dx = bx - ax;
    const dy = by - ay;
    const t = Math.max(0, Math.min(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy)));
    best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
  }
  return best;
}
/** Tiny deterministic PRNG for test sampling (independent of the generator's). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
