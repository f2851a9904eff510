/** HTTP response shapes shared by the hub and the client. */
import { z } from 'zod';
import { demoScale, regionLevel } from './world';
import { LAYER_NAMES } from './layers';

export const API_PREFIX = '/api/v1';

export const readiness = z.object({
  ready: z.boolean(),
  checks: z.object({
    database: z.enum(['pending', 'ok', 'failed']),
    migrations: z.enum(['pending', 'ok', 'failed']),
    demoData: z.enum(['pending', 'seeding', 'ok', 'failed']),
  }),
  /** What went wrong, when a check failed. */
  detail: z.string().optional(),
  /** What the hub is doing while it starts ('generating the demo city (full)'), and its warm-up after ready. */
  step: z.string().optional(),
});
export type Readiness = z.infer<typeof readiness>;

export const worldCounts = z.object({
  regions: z.record(regionLevel, z.number().int()),
  cameras: z.number().int(),
  camerasOnline: z.number().int(),
  zones: z.number().int(),
  railways: z.number().int(),
  speakers: z.number().int(),
  smartCommunities: z.number().int(),
  facilities: z.number().int(),
  units: z.number().int(),
});
export type WorldCounts = z.infer<typeof worldCounts>;

export const districtSummary = z.object({
  code: z.string(),
  name: z.string(),
  grids: z.number().int(),
  cameras: z.number().int(),
  camerasOnline: z.number().int(),
});
export type DistrictSummary = z.infer<typeof districtSummary>;

export const worldSummary = z.object({
  city: z.object({ code: z.string(), name: z.string(), center: z.tuple([z.number(), z.number()]) }),
  /** Bounding box of the city: [minLon, minLat, maxLon, maxLat]. */
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  scale: demoScale.nullable(),
  seed: z.number().int().nullable(),
  seededAt: z.string().nullable(),
  counts: worldCounts,
  districts: z.array(districtSummary),
});
export type WorldSummary = z.infer<typeof worldSummary>;

export const layerInfo = z.object({
  name: z.enum(LAYER_NAMES),
  count: z.number().int(),
  compactUrl: z.string(),
  geojsonUrl: z.string(),
});
export const layerIndex = z.object({ layers: z.array(layerInfo) });
export type LayerIndex = z.infer<typeof layerIndex>;
