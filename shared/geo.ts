/**
 * Geometry of lon/lat points that the hub's services and the demo city share: coordinate rounding
 * and the great-circle distance. Pure; the demo city's planar helpers (its local frame, polygons,
 * polylines) stay in server/demo/geo.ts.
 */
import type { LonLat } from './world';

/** Coordinates are rounded to 1e-6 degree (about 0.1 m): plenty for a city map, and compact JSON. */
export function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/**
 * Great-circle (haversine) distance in metres on a sphere of 6,371 km: dispatch distances and ETAs,
 * merge candidates. Not the demo city's planar metric (server/demo/geo.ts `planarDistanceM`, which
 * agrees with its local frame), so the two are not interchangeable at the 0.5 % level.
 */
export function distanceM(a: LonLat, b: LonLat): number {
  return distanceLonLatM(a[0], a[1], b[0], b[1]);
}

/** `distanceM` of two points given as numbers (hot loops: no tuple per call). */
export function distanceLonLatM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const r = Math.PI / 180;
  const dLat = (lat2 - lat1) * r;
  const dLon = (lon2 - lon1) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}
