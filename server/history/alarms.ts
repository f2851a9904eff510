/**
 * The history's events and alarms: the simulator's event model (its mix, places and day curve)
 * restricted to the events a rule can turn into an alarm, judged by the hub's rules (`evaluate`),
 * made rows by the hub's `alarmRow` and folded by the hub's `planFolds`; what the dispatchers do
 * with each alarm is the simulated staff's `alarmMove` at their pace (staff-plan.ts).
 *
 * Only the events that raised an alarm (or folded into one) are kept: see model.ts for why.
 * Pure and seeded: no I/O, no clock.
 */
import KDBush from 'kdbush';
import type { NewAlarm } from '@server/repositories/alarm.repository';
import type { Rng } from '@server/demo/random';
import type { GridLocator } from '@server/demo/locate';
import { evaluate, type Rule } from '@server/rules/rules';
import { createZoneIndex } from '@server/rules/zone-index';
import { planFolds, type FoldTarget } from '@server/services/alarm-fold';
import { alarmRow, type Surroundings } from '@server/services/alarm-surroundings';
import type { StoredEvent } from '@server/services/stored-event';
import { CURVE_MAX, dayCurve, DAY_MS, HOUR_MS } from '@server/simulator/day-curve';
import {
  BULK_WEIGHTS,
  CAMERA_TYPES,
  CATEGORY_TABLE,
  REPORT_SOURCE_WEIGHTS,
  REPORT_SOURCES,
} from '@server/simulator/event-mix';
import { buildPickers } from '@server/simulator/places';
import type { SimWorld } from '@server/simulator/world';
import { alarmMove, stepDelayMs, type AlarmMove } from '@server/simulator/staff-plan';
import { RISK_CATEGORIES, type EventInput } from '@shared/ingest';
import type { LonLat, World } from '@shared/world';
import { season, SEASON_MAX, type HistoryScale } from './model';

/** The bulk stream's camera and report shares (event-mix.ts BULK_WEIGHTS: access, camera, report). */
const CAMERA_SHARE = BULK_WEIGHTS[1]!;
const REPORT_SHARE = BULK_WEIGHTS[2]!;
/** Units that answer an alarm on the spot (as alarm-surroundings.ts proposes them). */
const RESPONDERS = new Set(['police', 'patrol_car', 'fire', 'medical']);
/** The expiry sweep runs every minute: an alarm expires up to this long after its deadline. */
const EXPIRY_LAG_MS = 60_000;

/** A uuid-shaped id from the stream (the hub's ids are uuids; `isId` checks their shape). */
export function uuidOf(rng: Rng): string {
  let h = '';
  for (let i = 0; i < 4; i++) h += rng.nextUint32().toString(16).padStart(8, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The surroundings the hub's alarm rows are built from, for a generated city. */
export function surroundingsOf(
  world: Pick<World, 'zones' | 'facilities' | 'cameras' | 'units' | 'speakers'>,
): Surroundings {
  const facilityKinds = new Map(world.facilities.map((f) => [f.id, f.kind]));
  const index = (points: readonly { id: string; position: LonLat }[]) => {
    const tree = new KDBush(Math.max(1, points.length));
    for (const p of points) tree.add(p.position[0], p.position[1]);
    if (points.length === 0) tree.add(0, 0);
    tree.finish();
    return { tree, ids: points.map((p) => p.id) };
  };
  const gridWorkers = new Map<string, string[]>();
  for (const u of world.units) {
    if (u.kind !== 'grid_worker' || u.status === 'offline') continue;
    for (const len of [15, 12, 9]) {
      const code = u.homeRegionCode.slice(0, len);
      const list = gridWorkers.get(code);
      if (list) list.push(u.id);
      else gridWorkers.set(code, [u.id]);
    }
  }
  return {
    world: {
      zones: createZoneIndex(world.zones),
      facilityKind: (id) => facilityKinds.get(id),
    },
    cameras: index(world.cameras),
    speakers: world.speakers.map((s) => ({ id: s.id, position: s.position, railwayId: s.railwayId })),
    responders: index(world.units.filter((u) => u.status !== 'offline' && RESPONDERS.has(u.kind))),
    gridWorkers,
  };
}

interface Stream {
  /** Arrivals per ms at the curve's and the season's peak. */
  peakPerMs: number;
  /** Follows the day curve and the season (false: a constant rate, as the model's fence and one-key streams). */
  curved: boolean;
  make: (ms: number, rng: Rng) => EventInput | null;
}

/**
 * Candidate events from `fromMs` to `toMs`, in time order: the model's streams of the event types
 * some enabled rule listens to, at their share of the model's mix.
 */
export function candidateEvents(
  sim: SimWorld,
  scale: HistoryScale,
  rules: readonly Rule[],
  fromMs: number,
  toMs: number,
  rng: Rng,
): { ms: number; event: EventInput }[] {
  const listened = new Set<string>();
  for (const r of rules) if (r.enabled && r.kind !== 'absence') for (const t of r.eventTypes) listened.add(t);
  const pick = buildPickers(sim);
  const streams: Stream[] = [];
  const perSec = (share: number) => (scale.eventRatePerSec * share) / 1000;
  const cameraTotal = CAMERA_TYPES.reduce((s, t) => s + t.weight, 0);
  if (pick.has.camera) {
    for (const t of CAMERA_TYPES) {
      if (!listened.has(t.type)) continue;
      const cams = pick.camerasFor(t.type);
      streams.push({
        peakPerMs: perSec((CAMERA_SHARE * t.weight) / cameraTotal),
        curved: true,
        make: (ms, r) => {
          const cam = r.pick(cams);
          return {
            id: '',
            source: 'camera',
            type: t.type,
            at: new Date(ms).toISOString(),
            deviceId: cam.id,
            severity: t.severity,
            attributes: { sim: true, confidence: Math.round(r.float(0.6, 0.99) * 100) / 100 },
          };
        },
      });
    }
  }
  const categoryTotal = RISK_CATEGORIES.reduce((s, c) => s + CATEGORY_TABLE[c].weight, 0);
  if (pick.has.report) {
    for (const c of RISK_CATEGORIES) {
      if (!listened.has(c)) continue;
      streams.push({
        peakPerMs: perSec((REPORT_SHARE * CATEGORY_TABLE[c].weight) / categoryTotal),
        curved: true,
        make: (ms, r) => {
          const source = REPORT_SOURCES[r.weightedIndex(REPORT_SOURCE_WEIGHTS)]!;
          const p = pick.reportPoint(c, r);
          return {
            id: '',
            source,
            type: c,
            at: new Date(ms).toISOString(),
            location: { lon: p[0], lat: p[1] },
            severity: CATEGORY_TABLE[c].severity,
            attributes: { sim: true },
          };
        },
      });
    }
  }
  if (pick.has.fence && listened.has('fence_intrusion')) {
    streams.push({
      peakPerMs: scale.fencePerHour / HOUR_MS,
      curved: false,
      make: (ms, r) => {
        const f = pick.fencePoint(r);
        return {
          id: '',
          source: 'fence',
          type: 'fence_intrusion',
          at: new Date(ms).toISOString(),
          location: { lon: f.p[0], lat: f.p[1] },
          severity: 3,
          attributes: {
            sim: true,
            zoneId: f.zoneId,
            ...(f.railwayId ? { railwayId: f.railwayId } : {}),
            offsetM: f.offsetM,
            target: r.chance(0.8) ? 'person' : 'animal',
          },
        };
      },
    });
  }
  if (sim.facilities.length && listened.has('one_key_alarm')) {
    streams.push({
      peakPerMs: scale.oneKeyPerDay / DAY_MS,
      curved: false,
      make: (ms, r) => {
        const f = r.pick(sim.facilities);
        return {
          id: '',
          source: 'alarm_button',
          type: 'one_key_alarm',
          at: new Date(ms).toISOString(),
          deviceId: f.id,
          severity: 4,
          attributes: { sim: true, facilityKind: f.kind },
        };
      },
    });
  }
  const out: { ms: number; event: EventInput }[] = [];
  streams.forEach((s, i) => {
    const r = rng.fork(`stream-${i}`);
    const peak = s.curved ? s.peakPerMs * CURVE_MAX * SEASON_MAX : s.peakPerMs;
    if (!(peak > 0)) return;
    // Time-varying rate by thinning (Lewis–Shedler), as the model does.
    for (let t = fromMs - Math.log(1 - r.next()) / peak; t < toMs; t -= Math.log(1 - r.next()) / peak) {
      const keep = s.curved ? (dayCurve(t) * season(t)) / (CURVE_MAX * SEASON_MAX) : 1;
      if (r.next() >= keep) continue;
      const e = s.make(Math.floor(t), r);
      if (e) out.push({ ms: Math.floor(t), event: e });
    }
  });
  return out.sort((a, b) => a.ms - b.ms);
}

/** One alarm of the history with the events it holds (its own and the repeats folded into it). */
export interface AlarmCluster {
  row: NewAlarm;
  events: StoredEvent[];
  /** What the dispatchers do, and when (staff-plan.ts alarmMove at the staff's pace). */
  move: AlarmMove;
  handledAtMs: number;
  /** A priority-1 alarm: an incident at once (the hub's auto incidents), linked by the generator. */
  auto: boolean;
}

/**
 * Judge the candidates by the rules, fold repeats as the hub does, and decide each new alarm's
 * end. `received` is when the hub got an event (the event's time plus a few seconds).
 */
export function raiseAlarms(
  candidates: readonly { ms: number; event: EventInput }[],
  rules: readonly Rule[],
  s: Surroundings,
  locator: GridLocator,
  /** Where each camera and one-key button stands (events by device carry no position). */
  deviceAt: ReadonlyMap<string, LonLat>,
  seed: number,
  autoPriority: number,
  rng: Rng,
): AlarmCluster[] {
  const clusters: AlarmCluster[] = [];
  /** Per (rule, fold key), the latest alarm a repeat may fold into. */
  const latest = new Map<string, AlarmCluster>();
  let n = 0;
  for (const { ms, event } of candidates) {
    const p: LonLat | undefined = event.location
      ? [event.location.lon, event.location.lat]
      : event.deviceId
        ? deviceAt.get(event.deviceId)
        : undefined;
    if (!p) continue;
    const gridCode = locator.locate(p);
    if (!gridCode) continue;
    const stored: StoredEvent = { ...event, gridCode, lon: p[0], lat: p[1] };
    const drafts = evaluate(
      {
        type: event.type,
        at: event.at,
        position: p,
        gridCode,
        deviceId: event.deviceId,
        severity: event.severity,
      },
      rules,
      s.world,
    );
    if (drafts.length === 0) continue;
    stored.id = `hist-${seed}-${++n}`;
    const received = new Date(ms + rng.int(200, 3_000));
    for (const d of drafts) {
      const row = alarmRow(stored, d, s, received);
      row.id = uuidOf(rng);
      const key = row.foldKey && d.foldMs ? `${row.ruleId}\u0000${row.foldKey}` : null;
      const into = key ? latest.get(key) : undefined;
      const open: FoldTarget[] =
        into && stillOpen(into, ms)
          ? [
              {
                id: into.row.id,
                ruleId: into.row.ruleId,
                foldKey: into.row.foldKey!,
                count: into.row.count ?? 1,
                lastAt: into.row.lastAt,
                expiresAt: into.row.expiresAt ?? null,
              },
            ]
          : [];
      const plan = planFolds([{ row, foldMs: d.foldMs ?? 0 }], open);
      if (plan.fold.length && into) {
        const f = plan.fold[0]!;
        into.row.count = f.count;
        into.row.lastAt = f.lastAt;
        into.row.expiresAt = f.expiresAt;
        into.row.updatedAt = received;
        if (!into.events.includes(stored)) into.events.push(stored);
        continue;
      }
      const fresh = plan.insert[0]!;
      const auto = fresh.priority <= autoPriority;
      const move = alarmMove(seed, {
        id: fresh.id,
        priority: fresh.priority,
        actions: fresh.actions,
        expiresAt: fresh.expiresAt ? fresh.expiresAt.toISOString() : null,
        incidentId: auto ? 'auto' : null,
      });
      const c: AlarmCluster = {
        row: fresh,
        events: [stored],
        move,
        handledAtMs: received.getTime() + stepDelayMs('alarm', fresh.priority, rng, 1),
        auto,
      };
      clusters.push(c);
      if (key) latest.set(key, c);
    }
  }
  // Those left to expire end at their (last) deadline, when the expiry sweep next runs.
  for (const c of clusters) {
    if (c.move === 'leave' && c.row.expiresAt) c.handledAtMs = c.row.expiresAt.getTime() + rng.int(0, EXPIRY_LAG_MS);
  }
  return clusters;
}

/** Whether an alarm is still one repeats fold into at `ms` (new, acknowledged or an incident's; not false or expired). */
function stillOpen(c: AlarmCluster, ms: number): boolean {
  if (c.move === 'false_alarm') return ms < c.handledAtMs;
  if (c.move === 'leave' && c.row.expiresAt) return ms < c.row.expiresAt.getTime();
  return true;
}
