/**
 * Alarms on the wire (issue 5): what a screen holds, what the hub pushes, and how a screen that
 * reconnects catches up. Every change of an alarm gives it a new `rev` (one monotonic sequence
 * for the hub); a screen keeps the highest rev it has seen and, on reconnect, asks for what
 * changed since (`alarm:sync`), or takes a fresh snapshot when it is too far behind.
 */
import { z } from 'zod';
import { ALARM_EVENT_SOURCES, EVENT_TYPES, MEDIA_KINDS } from './ingest';

/**
 * new → acknowledged → incident | false_alarm; `expired`: a rule with `expireMinutes` closed it,
 * unhandled, that long after its last repeat (issue 15; the hub's expiry sweep, by 'system');
 * `cleared`: what it reported ended before anyone made an incident of it (issue 17: a coverage
 * gap filled again; by 'system').
 */
export const ALARM_STATUSES = ['new', 'acknowledged', 'false_alarm', 'incident', 'expired', 'cleared'] as const;
export type AlarmStatus = (typeof ALARM_STATUSES)[number];
/** The statuses an alarm can still be folded into, and a screen keeps in its open queue (`new`, `acknowledged`). */
export const ALARM_OPEN_STATUSES = ['new', 'acknowledged'] as const;

/**
 * A zone flashes on the map only while it holds an unhandled (`new`) alarm whose last repeat is
 * younger than this (issue 15): a flood's old alarms wait in the queue without keeping the map busy.
 */
export const FLASH_MS = 3 * 60_000;

export const alarmView = z.object({
  id: z.string(),
  rev: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  event: z.object({ source: z.enum(ALARM_EVENT_SOURCES), id: z.string(), type: z.enum(EVENT_TYPES), at: z.string() }),
  rule: z.object({ id: z.string(), name: z.string() }),
  priority: z.number().int().min(1).max(4),
  status: z.enum(ALARM_STATUSES),
  gridCode: z.string(),
  position: z.tuple([z.number(), z.number()]),
  zone: z.object({ id: z.string(), name: z.string() }).nullable(),
  actions: z.array(z.string()),
  cameraIds: z.array(z.string()),
  /** Field units proposed for this alarm: the nearest available responders, or the grid's grid workers. */
  unitIds: z.array(z.string()),
  broadcast: z.object({ speakerId: z.string(), say: z.string() }).nullable(),
  handledBy: z.string().nullable(),
  handledAt: z.string().nullable(),
  /** The incident it is part of: made from it (by hand, or at once for priority 1), attached to it, or whose SLA breach it reports. */
  incidentId: z.string().nullable(),
  /**
   * Repeats folded into this alarm (issue 15): events of its rule in its zone (or from its device)
   * within the rule's fold window of the last one. 1: the first event only. `event` is the first.
   */
  count: z.number().int().min(1),
  /** When the last folded event happened (the first event's `at` while count is 1). */
  lastAt: z.string(),
  /** When an unhandled alarm expires (rules with `expireMinutes`); null: it does not. */
  expiresAt: z.string().nullable(),
  /**
   * Raised one priority above its rule's because it lies inside a major event's perimeter while
   * the event's window is open (issue 17): which event, and the rule's priority; null: as the rule says.
   */
  raise: z.object({ eventId: z.string(), name: z.string(), from: z.number().int().min(1).max(4) }).nullable(),
  /**
   * What the event showed (issue 18): its media, e.g. the picture a camera sent with its alarm
   * (`/api/v1/photos/<id>`, readable where the alarm is) or a device's own http(s) URL. The first
   * event's; a repeat brings its media only to an alarm that had none. Empty: none.
   */
  media: z.array(z.object({ kind: z.enum(MEDIA_KINDS), url: z.string() })),
});
export type AlarmView = z.infer<typeof alarmView>;

/**
 * Pushed per region room, at most every 100 ms: the alarms that changed, each with its rev. On the
 * wire it travels as columns (shared/alarm-wire.ts); this is what a screen holds once decoded.
 */
export interface AlarmBatch {
  /** The highest rev in this batch. */
  rev: number;
  alarms: AlarmView[];
}

/**
 * The answer to alarm:sync: what changed since `since` (a delta, one page at a time), or (first
 * load, or very far behind) a snapshot of the open alarms.
 */
export const alarmSyncReply = z.object({
  mode: z.enum(['delta', 'snapshot']),
  /** The screen holds every change of its scope up to here (the page's last rev when `more`). */
  rev: z.number().int(),
  alarms: z.array(alarmView),
  /** A delta page: changes after `rev` remain; ask again since `rev`. */
  more: z.boolean().optional(),
});
export type AlarmSyncReply = z.infer<typeof alarmSyncReply>;

/** A snapshot holds the open alarms (new, acknowledged) of the scope, newest first, at most this many. */
export const SNAPSHOT_LIMIT = 2000;
/** A delta is answered in pages of at most this many changes (`more` says another page follows). */
export const DELTA_PAGE = 1000;
/**
 * A screen more than this many revs behind gets a snapshot instead of pages (a desk away for
 * hours of a flood: its open alarms, not every change since). At 500 alarms/s that is 400 s.
 */
export const DELTA_MAX_BEHIND = 200_000;

export const alarmActionBody = z.strictObject({
  action: z.enum(['acknowledge', 'false_alarm'], { error: 'must be acknowledge or false_alarm' }),
});
