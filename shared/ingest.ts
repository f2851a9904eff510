/**
 * Events in (issue 5): the ingestion contract for `POST /api/v1/events` and the MQTT topics
 * `events/<source>`. An event is one thing a device or a person reported; the hub stores it,
 * locates it to its grid and runs it through the rules. `(source, id)` is the idempotency key:
 * the same event sent twice is stored once.
 */
import { z } from 'zod';
import { jsonObject, storableText, text } from './text';

export const EVENT_SOURCES = [
  'camera',
  'fence',
  'access',
  'alarm_button',
  'sensor',
  'citizen',
  'grid_worker',
  'hotline',
] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/** The 29 risk-event categories of MISSION.md (the monthly per-grid analysis counts these). */
export const RISK_CATEGORIES = [
  'public_order',
  'criminal_case',
  'theft',
  'fraud',
  'dispute_neighbour',
  'dispute_family',
  'dispute_property',
  'dispute_labour',
  'dispute_land',
  'dispute_traffic',
  'dispute_consumer',
  'petition',
  'fire_hazard',
  'ebike_violation',
  'high_throw',
  'gas_hazard',
  'building_hazard',
  'road_facility',
  'illegal_parking',
  'street_vending',
  'noise',
  'sanitation',
  'illegal_building',
  'railway_safety',
  'school_safety',
  'hospital_safety',
  'key_person',
  'vulnerable_care',
  'crowd_gathering',
] as const;

/** What devices detect (camera AI, fence radar, access control, buttons, sensors). */
export const DEVICE_EVENT_TYPES = [
  'fence_intrusion',
  'stranger',
  'ebike_in_lift',
  'crowd',
  'smoke',
  'one_key_alarm',
  'face_access',
  'plate_access',
  // From cameras in their vendors' protocols (issue 18): motion (stored; no alarm unless a rule asks),
  // a camera gone blind or covered, and any other alarm a device raises that we have no name for.
  'motion',
  'video_loss',
  'camera_tamper',
  'device_alarm',
] as const;

/**
 * What the hub itself raises: `resident_absence`, stored by the hub's absence sweep
 * (server/services/absence.service.ts) when a resident living alone has had no access event for
 * an absence rule's hours; `sla_breach` by the SLA sweep; `coverage_gap` by the coverage sweep
 * (server/services/coverage.service.ts). Devices have no reason to send it (a posted one raises nothing).
 */
export const HUB_EVENT_TYPES = ['resident_absence', 'sla_breach', 'coverage_gap'] as const;

/** The source of what the hub itself raises (never accepted from outside: an alarm's event may carry it). */
export const HUB_SOURCE = 'hub';
export const ALARM_EVENT_SOURCES = [...EVENT_SOURCES, HUB_SOURCE] as const;
export type AlarmEventSource = (typeof ALARM_EVENT_SOURCES)[number];

export const EVENT_TYPES = [...DEVICE_EVENT_TYPES, ...RISK_CATEGORIES, ...HUB_EVENT_TYPES] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** What an event's media item is. */
export const MEDIA_KINDS = ['image', 'video', 'audio'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** A photo the hub holds (POST /photos, or a device's picture): an event's media may name it by path. */
export const HUB_PHOTO_PATH = /^\/api\/v1\/photos\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The path an event's media names a hub photo by. */
export const hubPhotoUrl = (id: string): string => `/api/v1/photos/${id}`;

/** The hub photo a media URL names, or null (a device's own URL). */
export function hubPhotoId(url: string): string | null {
  return HUB_PHOTO_PATH.test(url) ? url.slice(url.lastIndexOf('/') + 1) : null;
}

/** An absolute http(s) URL with a host (zod's check: shared/ sees no URL type of its own). */
const webUrl = z.url({ protocol: /^https?$/, hostname: /.+/ });
const isWebUrl = (u: string): boolean => webUrl.safeParse(u).success;

/** Most events per batch, and the most bytes of one event's `attributes` (as JSON) and its deepest nesting. */
export const MAX_BATCH = 1000;
export const MAX_ATTRIBUTES_BYTES = 16 * 1024;
export const MAX_ATTRIBUTES_DEPTH = 8;

/** PostgreSQL's timestamptz has no year 0, and a UTC year past 9999 is not written as 4 digits. */
const storableInstant = (s: string): boolean => {
  const year = new Date(s).getUTCFullYear();
  return Number.isNaN(year) || (year >= 1 && year <= 9999); // NaN: the format check speaks
};

export const eventInput = z
  .strictObject({
    /** Unique per source: the idempotency key. */
    id: text(128, { min: 1 }),
    source: z.enum(EVENT_SOURCES, { error: `must be one of ${EVENT_SOURCES.join(', ')}` }),
    type: z.enum(EVENT_TYPES, { error: 'must be a known event type (see shared/ingest.ts: EVENT_TYPES)' }),
    at: z.iso
      .datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone offset' })
      .refine(storableInstant, 'must be a time in the years 0001 to 9999 (UTC)'),
    deviceId: text(64, { min: 1 }).optional(),
    /** WGS84. */
    location: z
      .strictObject({
        lon: z.number({ error: 'must be a number' }).min(-180, 'must be -180 to 180').max(180, 'must be -180 to 180'),
        lat: z.number({ error: 'must be a number' }).min(-90, 'must be -90 to 90').max(90, 'must be -90 to 90'),
      })
      .optional(),
    severity: z
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be 1-4')
      .max(4, 'must be 1-4')
      .optional(),
    /** Free JSON: storable keys and strings, at most MAX_ATTRIBUTES_DEPTH levels and MAX_ATTRIBUTES_BYTES. */
    attributes: jsonObject({ maxDepth: MAX_ATTRIBUTES_DEPTH, maxBytes: MAX_ATTRIBUTES_BYTES }).optional(),
    media: z
      .array(
        z.strictObject({
          kind: z.enum(MEDIA_KINDS, { error: 'must be image, video or audio' }),
          url: z
            .string({ error: 'must be a string' })
            .superRefine(storableText)
            .refine((u) => HUB_PHOTO_PATH.test(u) || (u.length <= 2000 && isWebUrl(u)), {
              error: 'must be an http:// or https:// URL of at most 2000 characters, or /api/v1/photos/<id>',
              abort: true,
            }),
        }),
        { error: 'must be an array' },
      )
      .max(10, 'must hold at most 10 items')
      .optional(),
  })
  .refine((e) => e.deviceId !== undefined || e.location !== undefined, {
    message: 'needs a deviceId or a location',
    path: ['location'],
  });
export type EventInput = z.infer<typeof eventInput>;

/** One problem with one event of a batch. */
export const itemError = z.object({ path: z.string(), message: z.string() });
export type ItemError = z.infer<typeof itemError>;

/** The answer to a POST (202): what was kept, what was already there, what was refused and why. */
export const ingestReply = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.array(z.object({ index: z.number().int(), errors: z.array(itemError) })),
});
export type IngestReply = z.infer<typeof ingestReply>;
