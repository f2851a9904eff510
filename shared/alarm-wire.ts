/**
 * The alarm push on the wire (`alarm:batch`): columns, not objects. Every screen of a room parses
 * every batch, so the bytes and the parse time per alarm bound how many alarms a second a hub can
 * put in front of a wall of screens. The batch holds one array per field; strings that repeat
 * (grid codes, types, rules, zones, camera and unit lists, statuses) are written once per batch in
 * `strings` (and lists of them once in `lists`) and referred to by index; times are epoch
 * milliseconds, `createdAt` as an offset from the batch's first, `updatedAt` and the event's time
 * as offsets from `createdAt`. An alarm is about a
 * third of the bytes of its AlarmView JSON and parses several times faster (BENCHMARKS.md). The
 * catch-up (`alarm:sync`) and the REST API keep plain AlarmView objects: they are asked for once,
 * not pushed 20 times a second.
 *
 * `decodeAlarmColumns(encodeAlarmColumns(views))` gives the views back exactly (tests/unit/alarm-wire.test.ts).
 */
import { z } from 'zod';
import { ALARM_STATUSES, type AlarmStatus, type AlarmView } from './alarms';
import { ALARM_EVENT_SOURCES, EVENT_TYPES, MEDIA_KINDS, type AlarmEventSource, type EventType } from './ingest';

const index = z.number().int().min(-1);

export const alarmColumns = z
  .object({
    /** Every repeated string of the batch, once. */
    strings: z.array(z.string()),
    /** Every list of strings (actions, cameras, units) of the batch, once: indexes into `strings`. */
    lists: z.array(z.array(z.number().int().min(0))),
    /** Epoch milliseconds that `createdAt` counts from (the first alarm's). */
    base: z.number(),
    id: z.array(z.string()),
    rev: z.array(z.number().int()),
    /** Milliseconds after `base`. */
    createdAt: z.array(z.number()),
    /** Milliseconds after createdAt. */
    updatedAt: z.array(z.number()),
    eventId: z.array(z.string()),
    /** Milliseconds after createdAt (negative: the event happened before the alarm was raised). */
    eventAt: z.array(z.number()),
    priority: z.array(z.number().int().min(1).max(4)),
    lon: z.array(z.number()),
    lat: z.array(z.number()),
    // Indexes into `strings` (-1: null):
    source: z.array(index),
    type: z.array(index),
    ruleId: z.array(index),
    ruleName: z.array(index),
    status: z.array(index),
    gridCode: z.array(index),
    zoneId: z.array(index),
    zoneName: z.array(index),
    speakerId: z.array(index),
    say: z.array(index),
    handledBy: z.array(index),
    incidentId: z.array(index),
    // Indexes into `lists`:
    actions: z.array(z.number().int().min(0)),
    cameraIds: z.array(z.number().int().min(0)),
    unitIds: z.array(z.number().int().min(0)),
    /** Epoch milliseconds, or null. */
    handledAt: z.array(z.number().nullable()),
    /** Folded repeats (1: the first event only). */
    count: z.array(z.number().int().min(1)),
    /** Milliseconds after the event's time (its first). */
    lastAt: z.array(z.number()),
    /** Epoch milliseconds, or null. */
    expiresAt: z.array(z.number().nullable()),
    /** A major event's raise (issue 17): its id and name (indexes into `strings`, -1: none) and the rule's priority. */
    raiseEventId: z.array(index),
    raiseName: z.array(index),
    raiseFrom: z.array(z.number().int().min(1).max(4).nullable()),
    /** The event's media as [kind, url] pairs (most alarms: none). */
    media: z.array(z.array(z.tuple([z.enum(MEDIA_KINDS), z.string()]))),
  })
  .superRefine((c, ctx) => {
    const n = c.id.length;
    for (const [key, value] of Object.entries(c)) {
      if (key === 'strings' || key === 'lists' || key === 'base') continue;
      if ((value as unknown[]).length !== n)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `has ${(value as unknown[]).length} entries, id has ${n}`,
        });
    }
    const strings = c.strings.length;
    for (const key of STRING_COLUMNS) {
      c[key].forEach(
        (s, i) =>
          s >= strings && ctx.addIssue({ code: 'custom', path: [key, i], message: `no string ${s} in the batch` }),
      );
    }
    for (const key of LIST_COLUMNS) {
      c[key].forEach(
        (l, i) =>
          l >= c.lists.length && ctx.addIssue({ code: 'custom', path: [key, i], message: `no list ${l} in the batch` }),
      );
    }
    c.lists.forEach((l, i) =>
      l.forEach(
        (s, j) =>
          s >= strings &&
          ctx.addIssue({ code: 'custom', path: ['lists', i, j], message: `no string ${s} in the batch` }),
      ),
    );
    const check = (key: 'source' | 'type' | 'status', allowed: readonly string[]) =>
      c[key].forEach(
        (s, i) =>
          s >= 0 &&
          s < strings &&
          !allowed.includes(c.strings[s]!) &&
          ctx.addIssue({ code: 'custom', path: [key, i], message: `${JSON.stringify(c.strings[s])} is not a ${key}` }),
      );
    check('source', ALARM_EVENT_SOURCES);
    check('type', EVENT_TYPES);
    check('status', ALARM_STATUSES);
  });
export type AlarmColumns = z.infer<typeof alarmColumns>;

const STRING_COLUMNS = [
  'source',
  'type',
  'ruleId',
  'ruleName',
  'status',
  'gridCode',
  'zoneId',
  'zoneName',
  'speakerId',
  'say',
  'handledBy',
  'incidentId',
  'raiseEventId',
  'raiseName',
] as const;
const LIST_COLUMNS = ['actions', 'cameraIds', 'unitIds'] as const;

/** What `alarm:batch` carries: the alarms that changed in this room since the last tick, in rev order. */
export interface AlarmBatchWire {
  /**
   * The batch is complete over (from, rev]: it holds every alarm change of the screen's rooms with a
   * rev in that range (issue 13). A screen whose cursor is at least `from` advances it to `rev`; one
   * whose cursor is lower missed something and asks `alarm:sync` since its cursor.
   */
  from: number;
  /** The highest rev the batch covers (every change up to here is in it or in an earlier batch). */
  rev: number;
  alarms: AlarmColumns;
}

/** A table of distinct keys, each given the index of its first appearance. */
function table<K>(): { of(key: K): number; keys: K[] } {
  const at = new Map<K, number>();
  const keys: K[] = [];
  return {
    keys,
    of(key) {
      let i = at.get(key);
      if (i === undefined) {
        i = keys.length;
        at.set(key, i);
        keys.push(key);
      }
      return i;
    },
  };
}

export function encodeAlarmColumns(views: readonly AlarmView[]): AlarmColumns {
  const strings = table<string>();
  const lists = table<string>(); // keyed by the list's string indexes joined
  const listValues: number[][] = [];
  const str = (s: string | null) => (s === null ? -1 : strings.of(s));
  const list = (items: readonly string[]) => {
    const idx = items.map((s) => strings.of(s));
    const i = lists.of(idx.join(','));
    listValues[i] = idx;
    return i;
  };
  const c: AlarmColumns = {
    strings: [],
    lists: [],
    base: views.length ? Date.parse(views[0]!.createdAt) : 0,
    id: [],
    rev: [],
    createdAt: [],
    updatedAt: [],
    eventId: [],
    eventAt: [],
    priority: [],
    lon: [],
    lat: [],
    source: [],
    type: [],
    ruleId: [],
    ruleName: [],
    status: [],
    gridCode: [],
    zoneId: [],
    zoneName: [],
    speakerId: [],
    say: [],
    handledBy: [],
    incidentId: [],
    actions: [],
    cameraIds: [],
    unitIds: [],
    handledAt: [],
    count: [],
    lastAt: [],
    expiresAt: [],
    raiseEventId: [],
    raiseName: [],
    raiseFrom: [],
    media: [],
  };
  for (const v of views) {
    const created = Date.parse(v.createdAt);
    c.id.push(v.id);
    c.rev.push(v.rev);
    c.createdAt.push(created - c.base);
    c.updatedAt.push(Date.parse(v.updatedAt) - created);
    c.eventId.push(v.event.id);
    c.eventAt.push(Date.parse(v.event.at) - created);
    c.priority.push(v.priority);
    c.lon.push(v.position[0]);
    c.lat.push(v.position[1]);
    c.source.push(str(v.event.source));
    c.type.push(str(v.event.type));
    c.ruleId.push(str(v.rule.id));
    c.ruleName.push(str(v.rule.name));
    c.status.push(str(v.status));
    c.gridCode.push(str(v.gridCode));
    c.zoneId.push(str(v.zone?.id ?? null));
    c.zoneName.push(str(v.zone?.name ?? null));
    c.speakerId.push(str(v.broadcast?.speakerId ?? null));
    c.say.push(str(v.broadcast?.say ?? null));
    c.handledBy.push(str(v.handledBy));
    c.incidentId.push(str(v.incidentId));
    c.actions.push(list(v.actions));
    c.cameraIds.push(list(v.cameraIds));
    c.unitIds.push(list(v.unitIds));
    c.handledAt.push(v.handledAt === null ? null : Date.parse(v.handledAt));
    c.count.push(v.count);
    c.lastAt.push(Date.parse(v.lastAt) - Date.parse(v.event.at));
    c.expiresAt.push(v.expiresAt === null ? null : Date.parse(v.expiresAt));
    c.raiseEventId.push(str(v.raise?.eventId ?? null));
    c.raiseName.push(str(v.raise?.name ?? null));
    c.raiseFrom.push(v.raise?.from ?? null);
    c.media.push(v.media.map((m) => [m.kind, m.url]));
  }
  c.strings = strings.keys;
  c.lists = listValues;
  return c;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function decodeAlarmColumns(c: AlarmColumns): AlarmView[] {
  const s = c.strings;
  const lists = c.lists.map((l) => l.map((i) => s[i]!));
  const opt = (i: number) => (i < 0 ? null : s[i]!);
  const out: AlarmView[] = new Array<AlarmView>(c.id.length);
  for (let i = 0; i < c.id.length; i++) {
    const created = c.base + c.createdAt[i]!;
    const zoneId = opt(c.zoneId[i]!);
    const speakerId = opt(c.speakerId[i]!);
    const say = opt(c.say[i]!);
    const handledAt = c.handledAt[i]!;
    const expiresAt = c.expiresAt[i]!;
    const eventAt = created + c.eventAt[i]!;
    const raiseEventId = opt(c.raiseEventId[i]!);
    const raiseFrom = c.raiseFrom[i]!;
    out[i] = {
      id: c.id[i]!,
      rev: c.rev[i]!,
      createdAt: iso(created),
      updatedAt: iso(created + c.updatedAt[i]!),
      event: {
        source: s[c.source[i]!] as AlarmEventSource,
        id: c.eventId[i]!,
        type: s[c.type[i]!] as EventType,
        at: iso(eventAt),
      },
      rule: { id: s[c.ruleId[i]!]!, name: s[c.ruleName[i]!]! },
      priority: c.priority[i]!,
      status: s[c.status[i]!] as AlarmStatus,
      gridCode: s[c.gridCode[i]!]!,
      position: [c.lon[i]!, c.lat[i]!],
      zone: zoneId !== null ? { id: zoneId, name: opt(c.zoneName[i]!) ?? '' } : null,
      // Copies: views of one batch must not share a list (a store may hand them to reactive state).
      actions: [...lists[c.actions[i]!]!],
      cameraIds: [...lists[c.cameraIds[i]!]!],
      unitIds: [...lists[c.unitIds[i]!]!],
      broadcast: speakerId !== null && say !== null ? { speakerId, say } : null,
      handledBy: opt(c.handledBy[i]!),
      handledAt: handledAt === null ? null : iso(handledAt),
      incidentId: opt(c.incidentId[i]!),
      count: c.count[i]!,
      lastAt: iso(eventAt + c.lastAt[i]!),
      expiresAt: expiresAt === null ? null : iso(expiresAt),
      raise:
        raiseEventId !== null && raiseFrom !== null
          ? { eventId: raiseEventId, name: opt(c.raiseName[i]!) ?? '', from: raiseFrom }
          : null,
      media: c.media[i]!.map(([kind, url]) => ({ kind, url })),
    };
  }
  return out;
}
