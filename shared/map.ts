/**
 * Map settings the hub gives every screen (GET /api/v1/map/config), and the sources of the
 * hub's built-in offline basemap.
 */
import { z } from 'zod';
import { API_PREFIX } from './api';

/**
 * Coordinate system of the basemap's tiles. Our data is WGS84; Chinese commercial tiles (AMap,
 * Tencent and their intranet copies) are GCJ-02, and the client shifts our data onto them with
 * shared/crs.ts.
 */
export const MAP_CRS = ['wgs84', 'gcj02'] as const;
export const mapCrs = z.enum(MAP_CRS);
export type MapCrs = z.infer<typeof mapCrs>;

/** The built-in offline style: the demo city's own vector basemap, served by the hub. */
export const BUILT_IN_STYLE_URL = `${API_PREFIX}/basemap/style.json`;

/** GeoJSON sources of the built-in style, each at `${API_PREFIX}/basemap/{name}.geojson`. */
export const BASEMAP_SOURCES = ['land', 'water', 'roads', 'green', 'boundaries', 'labels'] as const;
export type BasemapSource = (typeof BASEMAP_SOURCES)[number];
export function isBasemapSource(name: string): name is BasemapSource {
  return (BASEMAP_SOURCES as readonly string[]).includes(name);
}
export function basemapSourcePath(name: BasemapSource): string {
  return `${API_PREFIX}/basemap/${name}.geojson`;
}

export const mapConfig = z.object({
  /** The style to draw: MAP_STYLE_URL when set, else the built-in one (then equal to builtInStyleUrl). */
  styleUrl: z.string().min(1),
  /** The hub's offline style of the demo city, the fallback when styleUrl fails. */
  builtInStyleUrl: z.string().min(1),
  /**
   * Coordinate system of styleUrl's tiles: gcj02 means our WGS84 data must be shifted to match.
   * The built-in style is always wgs84 (so is a client that fell back to it).
   */
  crs: mapCrs,
  /** The city: [minLon, minLat, maxLon, maxLat], WGS84. */
  bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  /** The city's centre, [lon, lat], WGS84. */
  center: z.tuple([z.number(), z.number()]),
});
export type MapConfig = z.infer<typeof mapConfig>;
