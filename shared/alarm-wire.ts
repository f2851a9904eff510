/**
 * The alarm push on the wire (`alarm:batch`): columns, not objects. Every screen of a room parses
 * every batch, so the bytes and the parse time per alarm bound how many alarms a second a hub can
 * put in front of a wall of screens. As columns an alarm is about a third of the bytes of its
 * AlarmView JSON (no repeated keys; times as epoch milliseconds; rule and zone names once per batch)
 * and parses about 3.5× faster (BENCHMARKS.md). The catch-up (`alarm:sync`) and the REST API keep
 * plain AlarmView objects: they are asked for once, not pushed 20 times a second.
 *
 * `decodeAlarmColumns(encodeAlarmColumns(views))` gives the views back exactly (tests/unit/alarm-wire.test.ts).
 */
import { z } from 'zod';
import { ALARM_STATUSES, type AlarmView } from './alarms';
import { EVENT_SOURCES, EVENT_TYPES } from './ingest';

export const alarmColumns = z
  .object({
    /** Dictionaries, once per batch: [id, name] of the rules and zones the batch refers to, and broadcast texts. */
    rules: z.array(z.tuple([z.string(), z.string()])),
    zones: z.array(z.tuple([z.string(), z.string()])),
    says: z.array(z.string()),
    id: z.array(z.string()),
    rev: z.array(z.number().int()),
    /** Epoch milliseconds. */
    createdAt: z.array(z.number()),
    updatedAt: z.array(z.number()),
    source: z.array(z.enum(EVENT_SOURCES)),
    eventId: z.array(z.string()),
    type: z.array(z.enum(EVENT_TYPES)),
    eventAt: z.array(z.number()),
    /** Index into `rules`. */
    rule: z.array(z.number().int().min(0)),
    priority: z.array(z.number().int().min(1).max(4)),
    status: z.array(z.enum(ALARM_STATUSES)),
    gridCode: z.array(z.string()),
    lon: z.array(z.number()),
    lat: z.array(z.number()),
    /** Index into `zones`, -1 for none. */
    zone: z.array(z.number().int().min(-1)),
    actions: z.array(z.array(z.string())),
    cameraIds: z.array(z.array(z.string())),
    unitIds: z.array(z.array(z.string())),
    speakerId: z.array(z.string().nullable()),
    /** Index into `says`, -1 for none. */
    say: z.array(z.number().int().min(-1)),
    handledBy: z.array(z.string().nullable()),
    handledAt: z.array(z.number().nullable()),
  })
  .superRefine((c, ctx) => {
    const n = c.id.length;
    for (const [key, value] of Object.entries(c)) {
      if (key === 'rules' || key === 'zones' || key === 'says') continue;
      if ((value as unknown[]).length !== n) ctx.addIssue({ code: 'custom', path: [key], message: `has ${(value as unknown[]).length} entries, id has ${n}` });
    }
    c.rule.forEach((r, i) => r >= c.rules.length && ctx.addIssue({ code: 'custom', path: ['rule', i], message: `no rule ${r} in the dictionary` }));
    c.zone.forEach((r, i) => r >= c.zones.length && ctx.addIssue({ code: 'custom', path: ['zone', i], message: `no zone ${r} in the dictionary` }));
    c.say.forEach((r, i) => r >= c.says.length && ctx.addIssue({ code: 'custom', path: ['say', i], message: `no text ${r} in the dictionary` }));
  });
export type AlarmColumns = z.infer<typeof alarmColumns>;

/** What `alarm:batch` carries: the alarms that changed in this room since the last tick, in rev order. */
export interface AlarmBatchWire {
  /** The highest rev in this batch. */
  rev: number;
  alarms: AlarmColumns;
}

function indexer<K>(): { of(key: K): number; keys: K[] } {
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
  const rules = indexer<string>();
  const ruleNames: string[] = [];
  const zones = indexer<string>();
  const zoneNames: string[] = [];
  const says = indexer<string>();
  const c: AlarmColumns = {
    rules: [], zones: [], says: [], id: [], rev: [], createdAt: [], updatedAt: [], source: [], eventId: [], type: [], eventAt: [], rule: [],
    priority: [], status: [], gridCode: [], lon: [], lat: [], zone: [], actions: [], cameraIds: [], unitIds: [], speakerId: [], say: [], handledBy: [], handledAt: [],
  };
  for (const v of views) {
    c.id.push(v.id);
    c.rev.push(v.rev);
    c.createdAt.push(Date.parse(v.createdAt));
    c.updatedAt.push(Date.parse(v.updatedAt));
    c.source.push(v.event.source);
    c.eventId.push(v.event.id);
    c.type.push(v.event.type);
    c.eventAt.push(Date.parse(v.event.at));
    const r = rules.of(v.rule.id);
    ruleNames[r] = v.rule.name;
    c.rule.push(r);
    c.priority.push(v.priority);
    c.status.push(v.status);
    c.gridCode.push(v.gridCode);
    c.lon.push(v.position[0]);
    c.lat.push(v.position[1]);
    if (v.zone) {
      const z = zones.of(v.zone.id);
      zoneNames[z] = v.zone.name;
      c.zone.push(z);
    } else c.zone.push(-1);
    c.actions.push(v.actions);
    c.cameraIds.push(v.cameraIds);
    c.unitIds.push(v.unitIds);
    c.speakerId.push(v.broadcast?.speakerId ?? null);
    c.say.push(v.broadcast ? says.of(v.broadcast.say) : -1);
    c.handledBy.push(v.handledBy);
    c.handledAt.push(v.handledAt === null ? null : Date.parse(v.handledAt));
  }
  c.rules = rules.keys.map((id, i) => [id, ruleNames[i]!]);
  c.zones = zones.keys.map((id, i) => [id, zoneNames[i]!]);
  c.says = says.keys;
  return c;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function decodeAlarmColumns(c: AlarmColumns): AlarmView[] {
  const out: AlarmView[] = new Array<AlarmView>(c.id.length);
  for (let i = 0; i < c.id.length; i++) {
    const rule = c.rules[c.rule[i]!]!;
    const zone = c.zone[i]! >= 0 ? c.zones[c.zone[i]!]! : null;
    const speakerId = c.speakerId[i]!;
    const handledAt = c.handledAt[i]!;
    out[i] = {
      id: c.id[i]!,
      rev: c.rev[i]!,
      createdAt: iso(c.createdAt[i]!),
      updatedAt: iso(c.updatedAt[i]!),
      event: { source: c.source[i]!, id: c.eventId[i]!, type: c.type[i]!, at: iso(c.eventAt[i]!) },
      rule: { id: rule[0], name: rule[1] },
      priority: c.priority[i]!,
      status: c.status[i]!,
      gridCode: c.gridCode[i]!,
      position: [c.lon[i]!, c.lat[i]!],
      zone: zone ? { id: zone[0], name: zone[1] } : null,
      actions: c.actions[i]!,
      cameraIds: c.cameraIds[i]!,
      unitIds: c.unitIds[i]!,
      broadcast: speakerId !== null && c.say[i]! >= 0 ? { speakerId, say: c.says[c.say[i]!]! } : null,
      handledBy: c.handledBy[i]!,
      handledAt: handledAt === null ? null : iso(handledAt),
    };
  }
  return out;
}
