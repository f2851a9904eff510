/**
 * Incidents and live units arrive in WGS84; the map may be drawn in GCJ-02 (a Chinese commercial
 * basemap: `drawnCrs`), as the static layers are shifted in layerData.ts. These move a point between
 * the two, for drawing, flying to, and picking a place with a click.
 */
import gcoord from 'gcoord';
import { wgs84ToGcj02 } from '../../../shared/crs';
import { drawnCrs } from '../map/useMapStyle';

export type LonLat = [number, number];

/** A WGS84 point where the map draws it. */
export function toDrawn(p: readonly [number, number]): LonLat {
  return drawnCrs.value === 'gcj02' ? wgs84ToGcj02(p[0], p[1]) : [p[0], p[1]];
}

/** A point clicked on the map, back in WGS84 (what the hub stores). */
export function fromDrawn(p: readonly [number, number]): LonLat {
  if (drawnCrs.value !== 'gcj02') return [p[0], p[1]];
  const [x, y] = gcoord.transform<[number, number]>([p[0], p[1]], gcoord.GCJ02, gcoord.WGS84);
  return [x, y];
}
