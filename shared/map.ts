/** Map settings the hub gives every screen (GET /api/v1/map/config). */
import { z } from 'zod';

export const MAP_CRS = ['wgs84', 'gcj02'] as const;
export const mapCrs = z.enum(MAP_CRS);
export type MapCrs = z.infer<typeof mapCrs>;

export const mapConfig = z.object({
  /** The style to draw: MAP_STYLE_URL when set, else the built-in one. */
  styleUrl: z.string().min(1),
  /** The hub's offline style of the demo city, the fallback when styleUrl fails. */
  builtInStyleUrl: z.string().min(1),
  /** Coordinate system of the basemap: gcj02 means our WGS84 data must be shifted to match. */
  crs: mapCrs,
  bounds: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  center: z.tuple([z.number(), z.number()]),
});
export type MapConfig = z.infer<typeof mapConfig>;
