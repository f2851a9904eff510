/**
 * Major security events (重大活动安保, issue 17): what a commander plans for a concert, a match, a
 * visit. A perimeter with a buffer ring, a time window, posts and checkpoints with the units and
 * staff assigned to each, key cameras pinned, the wall preset the hall switches to, and tighter
 * coverage times inside. While its window is open, alarms inside the perimeter are raised one
 * priority (and say why); after it closes, an after-action report.
 */
import { z } from 'zod';
import { deviceId, lonLat, regionCode } from './world';
import { eventBufferM, eventPerimeter } from './event-area';
import { coverageThresholds } from './coverage';
import { text } from './text';

export const POST_KINDS = ['post', 'checkpoint'] as const;
export type PostKind = (typeof POST_KINDS)[number];
/** The longest window an event may have. */
export const MAJOR_EVENT_MAX_DAYS = 31;

/** A name as people type it: the shared text rule (storable, trimmed, not empty). */
const name = (max: number) => text(max, { trim: true, min: 1 });
const instant = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with offset' });

export const majorEventPost = z.strictObject({
  name: name(60),
  kind: z.enum(POST_KINDS, { error: `must be one of ${POST_KINDS.join(', ')}` }),
  position: lonLat,
  /** Field units standing at the post. */
  unitIds: z
    .array(text(64, { min: 1 }))
    .max(50, 'at most 50 units')
    .default([]),
  /** People assigned who are not units on the map (names, as the plan lists them). */
  staff: z.array(name(40)).max(50, 'at most 50 people').default([]),
});
export type MajorEventPost = z.infer<typeof majorEventPost>;

export const majorEventBody = z
  .strictObject({
    name: name(100),
    /** The region the event belongs to (a district, or a street): the commanders of that scope run it. */
    regionCode,
    perimeter: eventPerimeter,
    /** Width of the buffer ring around the perimeter, metres. */
    bufferM: eventBufferM,
    startsAt: instant,
    endsAt: instant,
    posts: z.array(majorEventPost).max(200, 'at most 200 posts').default([]),
    /** Key cameras, shown in a grid on the leader view. */
    cameraIds: z.array(deviceId).max(32, 'at most 32 cameras').default([]),
    /** The wall preset the hall's walls show while the window is open (null: they stay as they are). */
    presetId: text(40).nullable().default(null),
    /** Tighter coverage times inside the perimeter while the window is open. */
    coverage: coverageThresholds.default({}),
  })
  .superRefine((e, ctx) => {
    const from = Date.parse(e.startsAt);
    const to = Date.parse(e.endsAt);
    if (to <= from) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    else if (to - from > MAJOR_EVENT_MAX_DAYS * 86_400_000)
      ctx.addIssue({
        code: 'custom',
        path: ['endsAt'],
        message: `the window may last at most ${MAJOR_EVENT_MAX_DAYS} days`,
      });
  });
export type MajorEventBody = z.infer<typeof majorEventBody>;

/** What the hub stores of an event besides its name, region and window (server/db/schema.ts `major_events.definition`). */
export interface MajorEventDefinition {
  perimeter: MajorEventBody['perimeter'];
  bufferM: number;
  bufferRing: MajorEventBody['perimeter'];
  posts: MajorEventPost[];
  cameraIds: string[];
  presetId: string | null;
  coverage: MajorEventBody['coverage'];
}

/** scheduled: before its window; active: in it (and not closed); closed: closed early or past its end. */
export const MAJOR_EVENT_STATUSES = ['scheduled', 'active', 'closed'] as const;
export type MajorEventStatus = (typeof MAJOR_EVENT_STATUSES)[number];

export const majorEventView = z.object({
  id: z.string(),
  name: z.string(),
  regionCode: z.string(),
  perimeter: z.array(z.array(lonLat)),
  /** The buffer ring's outer boundary (computed by the hub). */
  bufferRing: z.array(z.array(lonLat)),
  bufferM: z.number(),
  startsAt: z.string(),
  endsAt: z.string(),
  closedAt: z.string().nullable(),
  status: z.enum(MAJOR_EVENT_STATUSES),
  posts: z.array(majorEventPost),
  cameraIds: z.array(z.string()),
  presetId: z.string().nullable(),
  coverage: coverageThresholds,
  createdBy: z.string(),
  updatedAt: z.string(),
});
export type MajorEventView = z.infer<typeof majorEventView>;

/** Why an alarm is more urgent than its rule says: it lies inside an event's perimeter while the window is open. */
export const alarmRaise = z.object({ eventId: z.string(), name: z.string(), from: z.number().int().min(1).max(4) });
export type AlarmRaise = z.infer<typeof alarmRaise>;

/** The status of an event at `now` (epoch ms). */
export function majorEventStatus(
  e: { startsAt: string; endsAt: string; closedAt: string | null },
  now: number,
): MajorEventStatus {
  if (e.closedAt !== null || now >= Date.parse(e.endsAt)) return 'closed';
  return now >= Date.parse(e.startsAt) ? 'active' : 'scheduled';
}

/**
 * How a post stands, from its units' statuses (undefined: a unit the screen does not know): every
 * unit available: ready; some: partial; none (or units unknown): down. A post of staff only, with
 * no units on the map, counts as ready (nothing tracks people on foot).
 */
export type PostState = 'ready' | 'partial' | 'down';
export function postState(statuses: readonly (string | undefined)[], staff: number): PostState {
  if (statuses.length === 0) return staff > 0 ? 'ready' : 'down';
  const available = statuses.filter((s) => s === 'available').length;
  if (available === 0) return 'down';
  return available === statuses.length ? 'ready' : 'partial';
}

/** [west, south, east, north] of the buffer ring (else the perimeter): where a map of the event rests. */
export function eventBounds(
  e: Pick<MajorEventView, 'perimeter' | 'bufferRing'>,
): [west: number, south: number, east: number, north: number] {
  const rings = e.bufferRing.length ? e.bufferRing : e.perimeter;
  let w = Infinity;
  let s = Infinity;
  let east = -Infinity;
  let n = -Infinity;
  for (const ring of rings)
    for (const [lon, lat] of ring) {
      w = Math.min(w, lon);
      east = Math.max(east, lon);
      s = Math.min(s, lat);
      n = Math.max(n, lat);
    }
  return [w, s, east, n];
}

/** The same bounds where the map draws them (the basemap may be drawn in GCJ-02). */
export function drawnBounds(
  b: readonly [number, number, number, number],
  place: (p: readonly [number, number]) => [number, number],
): [number, number, number, number] {
  const [w, s] = place([b[0], b[1]]);
  const [e, n] = place([b[2], b[3]]);
  return [w, s, e, n];
}
