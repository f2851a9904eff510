/**
 * Small planar geometry helpers over WGS84 [lon, lat].
 *
 * The demo city is ~60 km across, so a local equirectangular projection (metres east/north of a
 * reference point) is accurate to well under 0.1 % and keeps every construction linear: straight
 * lines, convex cells and point-in-polygon results are the same in metres and in degrees. Rounding
 * (`round6`) and the great-circle distance are in shared/geo.ts.
 */
import type { LonLat, MultiPolygon, Polygon } from '@shared/world';

export const M_PER_DEG_LAT = 110_574;
export const M_PER_DEG_LON_AT_EQUATOR = 111_320;

/** Metres east/north of an origin <-> lon/lat. */
export class LocalFrame {
  readonly mPerDegLon: number;
  constructor(
    readonly lon0: number,
    readonly lat0: number,
  ) {
    this.mPerDegLon = M_PER_DEG_LON_AT_EQUATOR * Math.cos((lat0 * Math.PI) / 180);
  }
  lon(x: number): number {
    return this.lon0 + x / this.mPerDegLon;
  }
  lat(y: number): number {
    return this.lat0 + y / M_PER_DEG_LAT;
  }
  x(lon: number): number {
    return (lon - this.lon0) * this.mPerDegLon;
  }
  y(lat: number): number {
    return (lat - this.lat0) * M_PER_DEG_LAT;
  }
}

/**
 * Distance in metres between two lon/lat points, equirectangular at their mean latitude: the metric
 * of LocalFrame (the demo city is built in it). The great-circle distance is shared/geo.ts `distanceM`.
 */
export function planarDistanceM(a: LonLat, b: LonLat): number {
  const dx = (b[0] - a[0]) * M_PER_DEG_LON_AT_EQUATOR * Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180);
  const dy = (b[1] - a[1]) * M_PER_DEG_LAT;
  return Math.hypot(dx, dy);
}

/** Compass bearing from a to b, degrees clockwise from north, in [0, 360). */
export function bearingDeg(a: LonLat, b: LonLat): number {
  const dx = (b[0] - a[0]) * M_PER_DEG_LON_AT_EQUATOR * Math.cos((((a[1] + b[1]) / 2) * Math.PI) / 180);
  const dy = (b[1] - a[1]) * M_PER_DEG_LAT;
  const deg = (Math.atan2(dx, dy) * 180) / Math.PI;
  return deg < 0 ? deg + 360 : deg;
}

/**
 * Signed shoelace area of a closed ring in square degrees (positive = counter-clockwise).
 * Coordinates are taken relative to the first point to avoid cancellation.
 */
export function ringSignedArea(ring: readonly LonLat[]): number {
  const first = ring[0];
  if (!first) return 0;
  const [x0, y0] = first;
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const p = ring[i]!;
    const q = ring[i + 1]!;
    s += (p[0] - x0) * (q[1] - y0) - (q[0] - x0) * (p[1] - y0);
  }
  return s / 2;
}

export function polygonArea(poly: Polygon): number {
  let s = 0;
  for (const r of poly) s += ringSignedArea(r);
  return s;
}

/** Area of a MultiPolygon whose outer rings are CCW and holes CW (the contract's convention). */
export function multiPolygonArea(mp: MultiPolygon): number {
  let s = 0;
  for (const p of mp) s += polygonArea(p);
  return s;
}

/**
 * Crossing-number test. Each edge is evaluated with its end points in a canonical order, so a
 * point lying exactly on an edge shared by two neighbouring polygons is counted in exactly one
 * of them (half-open rule), never both, never neither.
 */
export function pointInRing(x: number, y: number, ring: readonly LonLat[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    if (a[1] > y !== b[1] > y) {
      // Canonical order: lower point first, so both neighbours compute the same intersection.
      const lo = a[1] < b[1] ? a : b;
      const hi = a[1] < b[1] ? b : a;
      const xi = lo[0] + ((y - lo[1]) * (hi[0] - lo[0])) / (hi[1] - lo[1]);
      if (x < xi) inside = !inside;
    }
  }
  return inside;
}

export function pointInPolygon(x: number, y: number, poly: Polygon): boolean {
  const outer = poly[0];
  if (!outer || !pointInRing(x, y, outer)) return false;
  for (let h = 1; h < poly.length; h++) if (pointInRing(x, y, poly[h]!)) return false;
  return true;
}

export function pointInMultiPolygon(x: number, y: number, mp: MultiPolygon): boolean {
  for (const p of mp) if (pointInPolygon(x, y, p)) return true;
  return false;
}

/** Point at a distance along a polyline (clamped to its ends), with the bearing of that segment. */
export function pointAlong(
  line: readonly LonLat[],
  cumM: readonly number[],
  s: number,
): { p: LonLat; bearing: number } {
  const n = line.length;
  if (n < 2) throw new Error('pointAlong: line needs two points');
  let lo = 0;
  let hi = n - 1;
  if (s <= 0) s = 0;
  const total = cumM[n - 1]!;
  if (s >= total) s = total;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (cumM[mid]! <= s) lo = mid;
    else hi = mid;
  }
  const a = line[lo]!;
  const b = line[hi]!;
  const segLen = cumM[hi]! - cumM[lo]!;
  const t = segLen > 0 ? (s - cumM[lo]!) / segLen : 0;
  return { p: [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t], bearing: bearingDeg(a, b) };
}

/** Cumulative distance in metres at each vertex of a polyline (first is 0). */
export function cumulativeLengths(line: readonly LonLat[]): number[] {
  const out = [0];
  for (let i = 1; i < line.length; i++) out.push(out[i - 1]! + planarDistanceM(line[i - 1]!, line[i]!));
  return out;
}

/** Move a point by metres east/north. */
export function offsetM(p: LonLat, eastM: number, northM: number): LonLat {
  return [p[0] + eastM / (M_PER_DEG_LON_AT_EQUATOR * Math.cos((p[1] * Math.PI) / 180)), p[1] + northM / M_PER_DEG_LAT];
}
