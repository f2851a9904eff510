/**
 * A year of history for the demo city (issue 16), as a pure function of (city, scale, seed, start):
 * the rows the hub itself would have written had it run the demo for `months` months before
 * `startMs`, so every figure a screen shows is computed from rows the product writes.
 *
 * A discrete-event walk over the months:
 * - events from the simulator's event model (alarms.ts), judged by the hub's rules, folded by the
 *   hub's flood control, each alarm handled by the simulated dispatchers (acknowledged, marked
 *   false, left to expire, or made an incident; priority 1: an incident at once, as the hub does);
 * - reports to the centre from citizens (QR, with a tracking code), the 12345 hotline, grid
 *   workers (field) and dispatchers, with the seeds' disputes (model.ts), at the season's and the
 *   day's curve;
 * - every incident, in the order they began, driven step by step through the hub's machine and
 *   effects (loop.ts) by the simulated staff, with the nearest free units of the category's kinds.
 *
 * Every incident of the history ends (closed, cancelled) before `startMs`, so the live desk does
 * not start with a year-old queue: one whose loop would end after the start is not part of the
 * history (the last days hold fewer of the slow ones, disputes above all, as if they had not been
 * reported yet), and so is any alarm whose handling would end after it. Units end free.
 *
 * Times are drawn at the staff's pace (staff-plan.ts) and model.ts's distributions. No I/O, no
 * clock; the same inputs give the same rows, ids included.
 */
import type { NewAlarm } from '@server/repositories/alarm.repository';
import type { NewEvent } from '@server/repositories/event.repository';
import type { DemoOptions } from '@server/demo';
import { createGridLocator } from '@server/demo/locate';
import { personName } from '@server/demo/names';
import { Rng } from '@server/demo/random';
import type { Rule } from '@server/rules/rules';
import { DEFAULT_RULES } from '@server/rules/rules';
import { alarmSource } from '@server/services/incidents/stored-text';
import { eventRow } from '@server/services/stored-event';
import { CURVE_MAX, dayCurve } from '@server/simulator/day-curve';
import { CATEGORY_TABLE } from '@server/simulator/event-mix';
import { simWorldFromCity } from '@server/simulator/world';
import {
  CATEGORIES,
  categoryOfEvent,
  DISPUTE_CATEGORIES,
  RISK_CATEGORIES,
  type RiskCategory,
} from '@shared/incident-categories';
import type { SourceEntry, TimelineEntry } from '@shared/incident-facts';
import { DEFAULT_SLA, type SlaPolicy } from '@shared/sla';
import type { EventType } from '@shared/ingest';
import type { LonLat, World } from '@shared/world';
import { candidateEvents, raiseAlarms, surroundingsOf, uuidOf, type AlarmCluster } from './alarms';
import { runIncident, UnitBoard, type HistIncident, type HistoryStaff, type LoopContext, type Opening } from './loop';
import {
  CANCEL_SHARE,
  DISPUTE_SOURCE_WEIGHTS,
  HISTORY_SCALES,
  OTHER_SOURCE_WEIGHTS,
  RATED_SHARE,
  REPORT_SOURCES,
  season,
  SEASON_MAX,
  THREAT_SHARE,
  type HistoryScale,
} from './model';
import { WORK_SHARE } from '@server/simulator/staff-plan';

export type { HistoryStaff } from './loop';

const YEAR_MS = 365 * 86_400_000;
const BEIJING_MS = 8 * 3_600_000;

export type HistoryWorld = Pick<World, 'regions' | 'cameras' | 'zones' | 'facilities' | 'units' | 'speakers'>;

export interface HistoryOptions extends DemoOptions {
  /** The hub's start (the history ends before it). */
  startMs: number;
  /** Months of history (calendar months back from the start). */
  months: number;
  /** Who acts (the demo accounts); absent: stand-ins (tests). */
  staff?: HistoryStaff;
  policy?: SlaPolicy;
  rules?: readonly Rule[];
  /** Alarms of this priority or more urgent become incidents at once (the hub's AUTO_INCIDENT_PRIORITY). */
  autoPriority?: number;
  /** Another volume than the scale's (tests). */
  volume?: Partial<HistoryScale>;
}

/** An incident row as inserted (the rev is the database's, taken in this order). */
export type HistoryIncidentRow = HistIncident;

export interface History {
  fromMs: number;
  events: NewEvent[];
  alarms: NewAlarm[];
  /** In the order they were reported; their codes numbered in that order from 1. */
  incidents: HistoryIncidentRow[];
  /** Per incident (same order), its timeline entries and sources. */
  timelines: TimelineEntry[][];
  sources: SourceEntry[][];
}

/** The start of the history: `months` calendar months before `startMs`. */
export function historyFrom(startMs: number, months: number): number {
  const d = new Date(startMs);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.getTime();
}

const STAND_IN: HistoryStaff = {
  city: { id: 'history-dispatcher', name: '市级调度员' },
  dispatchers: new Map(),
  units: new Map(),
};

const DESCRIPTIONS: Readonly<Record<string, readonly string[]>> = {
  dispute: ['双方因琐事发生争执，情绪激动', '多次协商未果，要求社区介入调解', '涉及金额纠纷，双方各执一词'],
  security: ['现场有人员聚集争吵', '群众反映可疑人员出没', '报警人称财物被盗'],
  safety: ['现场存在安全隐患，需尽快处置', '楼道堆放杂物，影响消防通道', '发现隐患，请派员查看'],
  city: ['影响居民出行，请尽快处理', '多日未处理，群众意见较大', '现场情况已拍照上报'],
  care: ['独居老人需上门走访', '困难群众求助', '需要社区关怀帮扶'],
};

export function generateHistory(world: HistoryWorld, opts: HistoryOptions): History {
  const scale: HistoryScale = { ...HISTORY_SCALES[opts.scale], ...opts.volume };
  const policy = opts.policy ?? DEFAULT_SLA;
  const rules = opts.rules ?? DEFAULT_RULES;
  const staff = opts.staff ?? STAND_IN;
  const autoPriority = opts.autoPriority ?? 1;
  const root = Rng.fromSeed(opts.seed).fork(opts.scale).fork('history');
  const fromMs = historyFrom(opts.startMs, opts.months);
  const toMs = opts.startMs;
  const out: History = { fromMs, events: [], alarms: [], incidents: [], timelines: [], sources: [] };
  if (opts.months <= 0) return out;

  const grids = world.regions.filter((r) => r.level === 'grid');
  const locator = createGridLocator(grids);
  const names = new Map(world.regions.map((r) => [r.code, r.name]));
  const sim = simWorldFromCity({ ...world, smartCommunities: [], residents: [] });
  const surroundings = surroundingsOf(world);
  const deviceAt = new Map<string, LonLat>();
  for (const c of world.cameras) deviceAt.set(c.id, c.position);
  for (const f of world.facilities) deviceAt.set(f.id, f.position);
  const facilityKind = new Map(world.facilities.map((f) => [f.id, f.kind]));

  // ---- events and alarms
  const candidates = candidateEvents(sim, scale, rules, fromMs, toMs, root.fork('events'));
  const clusters = raiseAlarms(
    candidates,
    rules,
    surroundings,
    locator,
    deviceAt,
    opts.seed,
    autoPriority,
    root.fork('alarms'),
  );

  // ---- what begins an incident: alarms made incidents, and reports
  type Start = { at: number; opening: Opening; alarm?: AlarmCluster };
  const starts: Start[] = [];
  const reporter = root.fork('reports');
  for (const c of clusters) {
    if (c.move !== 'incident') continue;
    const a = c.row;
    const event = c.events[0]!;
    const at = c.auto ? a.createdAt.getTime() : c.handledAtMs;
    const dispatcher = staff.dispatchers.get(a.gridCode.slice(0, 6)) ?? staff.city;
    const category = categoryOfEvent(
      a.eventType as EventType,
      event.deviceId ? facilityKind.get(event.deviceId) : a.zoneName?.includes('学') ? 'school' : null,
      a.eventSource,
    );
    starts.push({
      at,
      alarm: c,
      opening: {
        createdAt: at,
        category,
        priority: a.priority,
        title: a.zoneName ? `${a.ruleName} · ${a.zoneName}` : a.ruleName,
        description: '',
        source: 'alarm',
        externalId: null,
        trackingCode: null,
        gridCode: a.gridCode,
        position: [a.lon, a.lat],
        address: a.zoneName ?? '',
        who: c.auto
          ? {
              actor: 'system',
              actorId: 'hub',
              actorName: '',
              note: null,
              hubNote: { key: 'timeline.alarmIncident', params: { priority: a.priority } },
            }
          : { actor: 'centre', actorId: dispatcher.id, actorName: dispatcher.name, note: null },
        sources: [alarmSource({ id: a.id, createdAt: a.createdAt, ruleName: a.ruleName, eventType: a.eventType })],
        parties: [],
        recurrence: { sameParties: 0, sameAddress: 0 },
        neglected: !reporter.chance(WORK_SHARE[Math.min(4, Math.max(1, a.priority)) as 1 | 2 | 3 | 4]),
        cancel: reporter.chance(CANCEL_SHARE.alarm),
        rates: false,
      },
    });
  }
  for (const s of reportStarts(scale, fromMs, toMs, grids, world, staff, names, locator, reporter)) starts.push(s);
  starts.sort((a, b) => a.at - b.at);

  // ---- every incident through the loop, in the order they began
  const board = new UnitBoard(world.units);
  const ctx: LoopContext = { policy, staff, board, surroundings, seed: opts.seed };
  const loopRng = root.fork('loop');
  const ids = root.fork('ids');
  const disputes = new DisputeMemory();
  const breachAlarms: { incident: number; alarm: NewAlarm; event: NewEvent }[] = [];
  const dropped = new Set<AlarmCluster>();
  for (const s of starts) {
    const o = s.opening;
    const id = uuidOf(ids);
    if (DISPUTE_CATEGORIES.has(o.category)) o.recurrence = disputes.recurrence(o.parties, o.position, o.createdAt);
    const r = runIncident(ctx, o, id, loopRng);
    const alarmEnd = s.alarm ? Math.max(s.alarm.handledAtMs, r.endMs) : r.endMs;
    if (alarmEnd >= toMs) {
      if (s.alarm) dropped.add(s.alarm);
      continue;
    }
    board.book(r.bookings);
    if (DISPUTE_CATEGORIES.has(o.category)) disputes.add(o.parties, o.position, o.createdAt);
    const n = out.incidents.length;
    out.incidents.push(r.incident);
    out.timelines.push(r.timeline);
    out.sources.push(r.sources);
    if (s.alarm) s.alarm.row.incidentId = id;
    for (const b of r.breaches) {
      const at = new Date(b.event.at);
      b.row.status = 'incident';
      b.row.handledBy = (staff.dispatchers.get(o.gridCode.slice(0, 6)) ?? staff.city).name;
      b.row.handledAt = new Date(b.handledAtMs);
      b.row.updatedAt = new Date(b.handledAtMs);
      breachAlarms.push({ incident: n, alarm: b.row, event: eventRow(b.event, at, null) });
    }
  }

  // ---- codes in the order reported (the hub numbers them so: E<day>-<n>), then what names them
  out.incidents.forEach((i, k) => {
    const day = new Date(i.createdAt.getTime() + BEIJING_MS).toISOString().slice(0, 10).replaceAll('-', '');
    i.code = `E${day}-${String(k + 1).padStart(6, '0')}`;
  });
  for (const b of breachAlarms) {
    const inc = out.incidents[b.incident]!;
    b.alarm.ruleName = `超时督办 ${inc.code}`;
    (b.event.attributes as Record<string, unknown>).code = inc.code;
  }

  // ---- alarms as they ended, and the events they hold
  const alarmRows: NewAlarm[] = [];
  const eventRows: NewEvent[] = [];
  const dispatcherName = (grid: string) => (staff.dispatchers.get(grid.slice(0, 6)) ?? staff.city).name;
  for (const c of clusters) {
    if (dropped.has(c) || c.handledAtMs >= toMs) continue;
    if (c.move === 'incident' && !c.row.incidentId) continue;
    const a = c.row;
    const at = new Date(c.handledAtMs);
    a.status =
      c.move === 'incident'
        ? 'incident'
        : c.move === 'acknowledge'
          ? 'acknowledged'
          : c.move === 'false_alarm'
            ? 'false_alarm'
            : 'expired';
    a.handledBy = c.move === 'leave' ? 'system' : dispatcherName(a.gridCode);
    a.handledAt = at;
    a.updatedAt = a.updatedAt && a.updatedAt > at ? a.updatedAt : at;
    alarmRows.push(a);
    for (const e of c.events) eventRows.push(eventRow(e, new Date(new Date(e.at).getTime() + 1_000), null));
  }
  for (const b of breachAlarms) {
    alarmRows.push(b.alarm);
    eventRows.push(b.event);
  }
  const time = (d: Date | string | undefined) => (d ? new Date(d).getTime() : 0);
  out.alarms = alarmRows.sort((x, y) => time(x.createdAt) - time(y.createdAt));
  out.events = dedupe(eventRows).sort((x, y) => time(x.at) - time(y.at));
  return out;
}

/** Events by (source, id), once (one event may hold repeats of several rules). */
function dedupe(rows: NewEvent[]): NewEvent[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = `${r.source}\u0000${r.id}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Earlier disputes, for the recurrence the hub's scoring counts (same parties, within 100 m, within a year). */
class DisputeMemory {
  private readonly byName = new Map<string, number[]>();
  private readonly byCell = new Map<string, { p: LonLat; at: number }[]>();
  private readonly lastInGrid: { name: string; idKey: string | null }[] = [];

  private cell(p: LonLat): string {
    return `${Math.floor(p[0] / 0.002)}:${Math.floor(p[1] / 0.002)}`;
  }

  recurrence(
    parties: readonly { name: string }[],
    p: LonLat,
    at: number,
  ): { sameParties: number; sameAddress: number } {
    const since = at - YEAR_MS;
    let sameParties = 0;
    for (const party of parties) sameParties += (this.byName.get(party.name) ?? []).filter((t) => t >= since).length;
    const dLon = 100 / 111_320 / Math.cos((p[1] * Math.PI) / 180);
    const dLat = 100 / 110_540;
    let sameAddress = 0;
    const [cx, cy] = [Math.floor(p[0] / 0.002), Math.floor(p[1] / 0.002)];
    for (let x = cx - 1; x <= cx + 1; x++)
      for (let y = cy - 1; y <= cy + 1; y++)
        for (const d of this.byCell.get(`${x}:${y}`) ?? [])
          if (d.at >= since && Math.abs(d.p[0] - p[0]) <= dLon && Math.abs(d.p[1] - p[1]) <= dLat) sameAddress++;
    return { sameParties, sameAddress };
  }

  add(parties: readonly { name: string; idKey: string | null }[], p: LonLat, at: number): void {
    for (const party of parties)
      (this.byName.get(party.name) ?? this.byName.set(party.name, []).get(party.name)!).push(at);
    const k = this.cell(p);
    (this.byCell.get(k) ?? this.byCell.set(k, []).get(k)!).push({ p, at });
    this.lastInGrid.push(...parties);
    if (this.lastInGrid.length > 200) this.lastInGrid.splice(0, this.lastInGrid.length - 200);
  }

  /** A party of a recent dispute (the same people come back). */
  recent(rng: Rng): { name: string; idKey: string | null } | undefined {
    return this.lastInGrid.length ? rng.pick(this.lastInGrid) : undefined;
  }
}

/** Reports to the centre over the history, at the season's and the day's curve. */
function reportStarts(
  scale: HistoryScale,
  fromMs: number,
  toMs: number,
  grids: readonly World['regions'][number][],
  world: HistoryWorld,
  staff: HistoryStaff,
  names: ReadonlyMap<string, string>,
  locator: ReturnType<typeof createGridLocator>,
  rng: Rng,
): { at: number; opening: Opening }[] {
  const disputes = RISK_CATEGORIES.filter((c) => DISPUTE_CATEGORIES.has(c));
  const others = RISK_CATEGORIES.filter((c) => !DISPUTE_CATEGORIES.has(c));
  const weights = (list: readonly RiskCategory[]) => list.map((c) => CATEGORY_TABLE[c].weight);
  const dw = weights(disputes);
  const ow = weights(others);
  const perMs = (scale.disputesPerYear + scale.otherReportsPerYear) / YEAR_MS;
  const disputeShare = scale.disputesPerYear / (scale.disputesPerYear + scale.otherReportsPerYear);
  const peak = perMs * CURVE_MAX * SEASON_MAX;
  const out: { at: number; opening: Opening }[] = [];
  if (!(peak > 0) || grids.length === 0) return out;
  const fieldOf = new Map<string, { id: string; name: string }>();
  for (const u of world.units)
    if (u.kind === 'grid_worker' && u.status !== 'offline' && !fieldOf.has(u.homeRegionCode.slice(0, 9)))
      fieldOf.set(u.homeRegionCode.slice(0, 9), staff.units.get(u.id) ?? { id: u.id, name: u.callsign });
  let hotline = 0;
  const memory = new DisputeMemory();
  for (let t = fromMs - Math.log(1 - rng.next()) / peak; t < toMs; t -= Math.log(1 - rng.next()) / peak) {
    if (rng.next() >= (dayCurve(t) * season(t)) / (CURVE_MAX * SEASON_MAX)) continue;
    const at = Math.floor(t);
    const isDispute = rng.chance(disputeShare);
    const category = isDispute ? disputes[rng.weightedIndex(dw)]! : others[rng.weightedIndex(ow)]!;
    const source = REPORT_SOURCES[rng.weightedIndex(isDispute ? DISPUTE_SOURCE_WEIGHTS : OTHER_SOURCE_WEIGHTS)]!;
    const g = rng.pick(grids);
    const q: LonLat = [
      Math.round((g.center[0] + rng.float(-0.001, 0.001)) * 1e6) / 1e6,
      Math.round((g.center[1] + rng.float(-0.001, 0.001)) * 1e6) / 1e6,
    ];
    const position: LonLat = locator.locate(q) === g.code ? q : g.center;
    const info = CATEGORIES[category];
    const severity = CATEGORY_TABLE[category].severity;
    const priority = source === 'citizen' ? 3 : severity >= 3 ? 2 : severity === 2 ? 3 : 4;
    const family = DESCRIPTIONS[info.family]!;
    let description = rng.pick(family);
    if (isDispute && rng.chance(THREAT_SHARE)) description += `，一方扬言要${rng.pick(['报复', '拼命', '同归于尽'])}`;
    const parties: { name: string; idKey: string | null }[] = [];
    if (isDispute) {
      const again = rng.chance(0.06) ? memory.recent(rng) : undefined;
      parties.push(again ?? { name: personName(rng), idKey: null }, { name: personName(rng), idKey: null });
      memory.add(parties, position, at);
    }
    const address = `${names.get(g.code.slice(0, 9)) ?? ''}${names.get(g.code) ?? ''}`;
    const dispatcher = staff.dispatchers.get(g.code.slice(0, 6)) ?? staff.city;
    const field = fieldOf.get(g.code.slice(0, 9));
    const day = new Date(at + BEIJING_MS).toISOString().slice(0, 10).replaceAll('-', '');
    let opening: Opening;
    const common = {
      createdAt: at,
      category,
      priority,
      description,
      gridCode: g.code,
      position,
      address,
      parties,
      recurrence: { sameParties: 0, sameAddress: 0 },
      neglected: !rng.chance(WORK_SHARE[priority as 1 | 2 | 3 | 4]),
      cancel: rng.chance(CANCEL_SHARE.report),
      rates: false,
    };
    const title = info.zh;
    if (source === 'citizen') {
      const code = trackingCode(rng);
      opening = {
        ...common,
        title: `${info.zh}（群众上报）`,
        source,
        externalId: null,
        trackingCode: code,
        who: {
          actor: 'citizen',
          actorId: code,
          actorName: '',
          note: null,
          hubNote: { key: 'timeline.qrReport', params: { region: g.code } },
        },
        sources: [
          {
            kind: 'report',
            ref: code,
            at: new Date(at),
            summary: { key: 'source.citizen', params: { region: g.code } },
          },
        ],
        rates: rng.chance(RATED_SHARE),
      };
    } else if (source === 'hotline') {
      const ticket = `12345-${day}-${String(++hotline).padStart(6, '0')}`;
      opening = {
        ...common,
        title,
        source,
        externalId: ticket,
        trackingCode: null,
        who: { actor: 'system', actorId: 'hotline', actorName: '12345热线', note: null },
        sources: [
          {
            kind: 'report',
            ref: ticket,
            at: new Date(at),
            summary: { key: 'source.report', params: { source, title } },
          },
        ],
      };
    } else {
      const by = source === 'field' && field ? field : dispatcher;
      const src = source === 'field' && field ? 'field' : 'dispatcher';
      opening = {
        ...common,
        title,
        source: src,
        externalId: null,
        trackingCode: null,
        who: { actor: src === 'field' ? 'unit' : 'centre', actorId: by.id, actorName: by.name, note: null },
        sources: [
          {
            kind: 'report',
            ref: `${src}:${by.id}`,
            at: new Date(at),
            summary: { key: 'source.report', params: { source: src, title } },
          },
        ],
      };
    }
    out.push({ at, opening });
  }
  return out;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A citizen's tracking code, shaped as citizen.service.ts makes them (drawn from the stream here). */
function trackingCode(rng: Rng): string {
  let s = '';
  for (let i = 0; i < 12; i++) s += CROCKFORD[rng.int(0, 31)];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

/**
 * The demo accounts the history's actions are by, as usernames (DemoAccountsService makes them
 * after the city: the city's and each district's dispatcher, with these display names); units act
 * under their ids. The hub maps both to the accounts' ids when it inserts.
 */
export function demoStaff(world: Pick<World, 'regions'>): HistoryStaff {
  return {
    city: { id: 'dispatcher', name: '市级调度员' },
    dispatchers: new Map(
      world.regions
        .filter((r) => r.level === 'district')
        .map((r) => [r.code, { id: `dispatcher-${r.code}`, name: `${r.name}调度员` }]),
    ),
    units: new Map(),
  };
}
