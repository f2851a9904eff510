/**
 * The static world: the region tree and every fixed object on the map.
 * One zod schema per kind; the TypeScript types are inferred from them, so the
 * generator, the repositories, the HTTP layer and the client share one contract.
 *
 * Coordinates are WGS84 [longitude, latitude] in degrees.
 */
import { z } from 'zod';

export const lonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
export type LonLat = z.infer<typeof lonLat>;
/** A linear ring, closed (first point repeated last): counter-clockwise for outer rings, clockwise for holes. */
export const ring = z.array(lonLat).min(4);
/** GeoJSON Polygon coordinates: outer ring, then holes. */
export const polygon = z.array(ring).min(1);
export type Polygon = z.infer<typeof polygon>;
/** GeoJSON MultiPolygon coordinates. */
export const multiPolygon = z.array(polygon).min(1);
export type MultiPolygon = z.infer<typeof multiPolygon>;
export const lineString = z.array(lonLat).min(2);
export type LineString = z.infer<typeof lineString>;

/** city 市 → district 区县 → street 街道 → community 社区 → grid 网格 (五级贯通). */
export const REGION_LEVELS = ['city', 'district', 'street', 'community', 'grid'] as const;
export const regionLevel = z.enum(REGION_LEVELS);
export type RegionLevel = z.infer<typeof regionLevel>;

/**
 * Region codes in the GB/T 2260 style, extended below the county:
 * city 6 digits (360100), district 6 (360102), street 9 (360102001),
 * community 12 (360102001001), grid 15 (360102001001001).
 */
export const REGION_CODE_LENGTH: Record<RegionLevel, number> = {
  city: 6,
  district: 6,
  street: 9,
  community: 12,
  grid: 15,
};
export const regionCode = z.string().regex(/^\d{6}(\d{3}){0,3}$/, 'region code: 6, 9, 12 or 15 digits');

export const region = z.object({
  code: regionCode,
  parentCode: regionCode.nullable(),
  level: regionLevel,
  name: z.string().min(1),
  /** Boundary. Grids are single polygons; upper levels are unions and may be multi-part. */
  boundary: multiPolygon,
  /** A point inside the region, for labels. */
  center: lonLat,
});
export type Region = z.infer<typeof region>;

/** GB/T 28181 device id: 20 digits (centre code 8, industry 2, type 3, network 1, serial 6). */
export const deviceId = z.string().regex(/^\d{20}$/, 'device id: 20 digits (GB/T 28181)');

export const CAMERA_KINDS = ['city_hd', 'ai', 'social', 'community', 'railway'] as const;
export const cameraKind = z.enum(CAMERA_KINDS);
export type CameraKind = z.infer<typeof cameraKind>;
export const CAMERA_STATUSES = ['online', 'offline', 'alarming'] as const;
export const cameraStatus = z.enum(CAMERA_STATUSES);
export type CameraStatus = z.infer<typeof cameraStatus>;

export const camera = z.object({
  id: deviceId,
  name: z.string().min(1),
  kind: cameraKind,
  status: cameraStatus,
  position: lonLat,
  /** Compass bearing of the optical axis, degrees clockwise from north, [0, 360). */
  heading: z.number().min(0).lt(360),
  /** Horizontal field of view, degrees. */
  fov: z.number().gt(0).max(360),
  /** Useful viewing distance, metres (for the field-of-view cone). */
  rangeM: z.number().positive(),
  /** HLS (.m3u8) or HTTP-FLV (.flv) URL of the live stream; null when none is connected. */
  streamUrl: z.string().min(1).nullable(),
  gridCode: regionCode,
});
export type Camera = z.infer<typeof camera>;

/** `community` zones enclose smart communities' compounds (the demo city has one per compound; admins may draw more). */
export const ZONE_KINDS = ['key_person', 'landmark', 'hospital', 'school', 'community', 'railway'] as const;
export const zoneKind = z.enum(ZONE_KINDS);
export type ZoneKind = z.infer<typeof zoneKind>;

export const zoneShape = z.discriminatedUnion('type', [
  z.object({ type: z.literal('circle'), center: lonLat, radiusM: z.number().positive() }),
  z.object({ type: z.literal('polygon'), polygon }),
  /** A band of widthM metres either side of a centre line (railway fences). */
  z.object({ type: z.literal('corridor'), line: lineString, halfWidthM: z.number().positive() }),
]);
export type ZoneShape = z.infer<typeof zoneShape>;

export const zone = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  kind: zoneKind,
  shape: zoneShape,
  /** The grid that holds the zone's centre (for a corridor: the point halfway along its line). */
  gridCode: regionCode,
  /** For railway corridors: the railway line the fence guards. */
  railwayId: z.string().nullable(),
});
export type Zone = z.infer<typeof zone>;

export const railway = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  line: lineString,
});
export type Railway = z.infer<typeof railway>;

export const speaker = z.object({
  id: deviceId,
  name: z.string().min(1),
  railwayId: z.string().min(1),
  position: lonLat,
  /** Distance along the railway line from its first point, metres. */
  chainageM: z.number().min(0),
  gridCode: regionCode,
});
export type Speaker = z.infer<typeof speaker>;

export const GATE_KINDS = ['pedestrian', 'vehicle'] as const;
export const gate = z.object({
  id: deviceId,
  name: z.string().min(1),
  kind: z.enum(GATE_KINDS),
  position: lonLat,
});
export type Gate = z.infer<typeof gate>;

/** 智慧平安小区: a residential compound with access control. */
export const smartCommunity = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  boundary: polygon,
  center: lonLat,
  households: z.number().int().nonnegative(),
  gridCode: regionCode,
  gates: z.array(gate).min(1),
});
export type SmartCommunity = z.infer<typeof smartCommunity>;

/**
 * A registered resident of a smart community (实有人口), as the hub keeps them for care rules:
 * `livingAlone` (独居老人) residents with no access event for a while raise an absence alarm
 * (server/services/absence.service.ts). The name is masked the way registers show it to
 * dispatchers (张*华, 李*); the full name stays with the community.
 */
export const resident = z.object({
  id: z.string().min(1),
  communityId: z.string().min(1),
  /** The grid of the resident's smart community. */
  gridCode: regionCode,
  name: z.string().min(1),
  livingAlone: z.boolean(),
  /** Home, inside the smart community's boundary. */
  position: lonLat,
});
export type Resident = z.infer<typeof resident>;

export const FACILITY_KINDS = ['hospital', 'school', 'police_kiosk'] as const;
export const facilityKind = z.enum(FACILITY_KINDS);
export type FacilityKind = z.infer<typeof facilityKind>;
export const facility = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  kind: facilityKind,
  position: lonLat,
  gridCode: regionCode,
});
export type Facility = z.infer<typeof facility>;

export const UNIT_KINDS = ['police', 'patrol_car', 'grid_worker', 'fire', 'medical', 'department'] as const;
export const unitKind = z.enum(UNIT_KINDS);
export type UnitKind = z.infer<typeof unitKind>;
export const UNIT_STATUSES = ['available', 'busy', 'offline'] as const;
export const unitStatus = z.enum(UNIT_STATUSES);
export type UnitStatus = z.infer<typeof unitStatus>;
export const unit = z.object({
  id: z.string().min(1),
  callsign: z.string().min(1),
  kind: unitKind,
  /** Region the unit belongs to (a grid for grid workers, a street or district for others). */
  homeRegionCode: regionCode,
  status: unitStatus,
  position: lonLat,
});
export type Unit = z.infer<typeof unit>;

export const BASEMAP_KINDS = ['water', 'road', 'green'] as const;
export const basemapKind = z.enum(BASEMAP_KINDS);
export const basemapGeometry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: polygon }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: multiPolygon }),
  z.object({ type: z.literal('LineString'), coordinates: lineString }),
]);
export type BasemapGeometry = z.infer<typeof basemapGeometry>;
/** A feature of the built-in offline basemap (water, roads, green space). */
export const basemapFeature = z.object({
  id: z.string().min(1),
  kind: basemapKind,
  /** river | lake (water); motorway | primary | secondary (road); park (green). */
  class: z.string().min(1),
  name: z.string().nullable(),
  geometry: basemapGeometry,
});
export type BasemapFeature = z.infer<typeof basemapFeature>;

/** Everything the demo generator produces and the database holds as the static world. */
export interface World {
  regions: Region[];
  cameras: Camera[];
  zones: Zone[];
  railways: Railway[];
  speakers: Speaker[];
  smartCommunities: SmartCommunity[];
  facilities: Facility[];
  units: Unit[];
  /** Registered residents of the smart communities (a sample of the register: see server/demo/residents.ts). */
  residents: Resident[];
  basemap: BasemapFeature[];
}

export const DEMO_SCALES = ['full', 'small'] as const;
export const demoScale = z.enum(DEMO_SCALES);
export type DemoScale = z.infer<typeof demoScale>;
