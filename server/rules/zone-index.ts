/**
 * Which watch zones contain a point: a Flatbush R-tree over the zones' bounding boxes narrows a
 * query to a few candidates, then an exact test decides (circle: distance to the centre;
 * polygon: point in polygon; corridor: distance to the centre line). Pure; built once per world.
 */
import Flatbush from 'flatbush';
import type { LonLat, Zone } from '@shared/world';
import { planarDistanceM, pointInPolygon } from '../demo/geo';

const M_PER_DEG_LAT = 111_320;

export interface ZoneIndex {
  /** Zones whose area holds the point, in index order. */
  containing(p: LonLat): Zone[];
  readonly size: number;
}

/** Distance in metres from p to the segment a-b (local equirectangular projection around p). */
export function distanceToSegmentM(p: LonLat, a: LonLat, b: LonLat): number {
  const kx = M_PER_DEG_LAT * Math.cos((p[1] * Math.PI) / 180);
  const ax = (a[0] - p[0]) * kx,
    ay = (a[1] - p[1]) * M_PER_DEG_LAT;
  const bx = (b[0] - p[0]) * kx,
    by = (b[1] - p[1]) * M_PER_DEG_LAT;
  const dx = bx - ax,
    dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
  return Math.hypot(ax + t * dx, ay + t * dy);
}

function bbox(z: Zone): [number, number, number, number] {
  const s = z.shape;
  if (s.type === 'circle') {
    const dLat = s.radiusM / M_PER_DEG_LAT;
    const dLon = dLat / Math.cos((s.center[1] * Math.PI) / 180);
    return [s.center[0] - dLon, s.center[1] - dLat, s.center[0] + dLon, s.center[1] + dLat];
  }
  const pts: readonly LonLat[] = s.type === 'polygon' ? (s.polygon[0] ?? []) : s.line;
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const [x, y] of pts) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  if (s.type === 'corridor') {
    const dLat = s.halfWidthM / M_PER_DEG_LAT;
    const dLon = dLat / Math.cos((((y0 + y1) / 2) * Math.PI) / 180);
    return [x0 - dLon, y0 - dLat, x1 + dLon, y1 + dLat];
  }
  return [x0, y0, x1, y1];
}

export function contains(z: Zone, p: LonLat): boolean {
  const s = z.shape;
  if (s.type === 'circle') return planarDistanceM(s.center, p) <= s.radiusM;
  if (s.type === 'polygon') return pointInPolygon(p[0], p[1], s.polygon);
  for (let i = 1; i < s.line.length; i++)
    if (distanceToSegmentM(p, s.line[i - 1]!, s.line[i]!) <= s.halfWidthM) return true;
  return false;
}

export function createZoneIndex(zones: readonly Zone[]): ZoneIndex {
  if (zones.length === 0) return { containing: () => [], size: 0 };
  const index = new Flatbush(zones.length);
  for (const z of zones) index.add(...bbox(z));
  index.finish();
  return {
    size: zones.length,
    containing(p) {
      return index
        .search(p[0], p[1], p[0], p[1])
        .sort((a, b) => a - b)
        .map((i) => zones[i]!)
        .filter((z) => contains(z, p));
    },
  };
}
