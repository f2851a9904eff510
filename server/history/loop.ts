/**
 * One incident of the history, driven step by step through the hub's own rules: opened by
 * `reportedEffects`, every action through `stepEffects` (the machine refuses what the hub would
 * refuse, and a refusal here is a bug: it throws), SLA breaches as the sweep finds them
 * (`freshBreaches` → `breachEffects`, with the supervisor's alarm and its event), a dispute's risk
 * scored again after each mediation and breach (`disputeRisk`, high: escalated and supervised), the
 * citizen's rating (`ratedEffects`) or the 72 h close without one. Who acts and how long they take
 * are the simulated staff's (staff-plan.ts) and model.ts's.
 *
 * Pure and seeded: no I/O, no clock.
 */
import KDBush from 'kdbush';
import { around } from 'geokdbush';
import type { NewAlarm } from '@server/repositories/alarm.repository';
import type { DisputeJson } from '@server/db/schema';
import type { Rng } from '@server/demo/random';
import { planarDistanceM } from '@server/demo/geo';
import { alarmRow, type Surroundings } from '@server/services/alarm-surroundings';
import type { StoredEvent } from '@server/services/stored-event';
import { RATING_WINDOW_MS } from '@server/services/incidents/sla-sweep.service';
import { DECLINE_SHARE, ratingOf, stepDelayMs } from '@server/simulator/staff-plan';
import { disputeRisk } from '@shared/dispute-risk';
import { CATEGORIES, DISPUTE_CATEGORIES, type RiskCategory } from '@shared/incident-categories';
import { breachEffects, highRiskEntry, ratedEffects, reportedEffects, stepEffects } from '@shared/incident-effects';
import {
  activeUnits,
  freshBreaches,
  nextDeadline,
  type Change,
  type IncidentFacts,
  type Reporter,
  type SourceEntry,
  type TimelineEntry,
} from '@shared/incident-facts';
import type { ActionInput, IncidentActor } from '@shared/incident-machine';
import type { IncidentSource, MediationChannel } from '@shared/incidents';
import { HUB_SOURCE, type EventSource } from '@shared/ingest';
import type { SlaPolicy } from '@shared/sla';
import type { LonLat, Unit } from '@shared/world';
import { uuidOf } from './alarms';
import {
  AGREED_SHARE,
  CITY_WORK,
  CITY_WORK_CATEGORIES,
  logNormalMs,
  MEDIATION,
  NEGLECT,
  REJECT_SHARE,
  SPEED_KMH,
} from './model';

/** The SLA sweep runs every 5 s by default (SLA_SWEEP_MS): a breach is found up to this long after its deadline. */
const SWEEP_LAG_MS = 5_000;
const MEDIATION_CHANNELS: readonly MediationChannel[] = ['people', 'administrative', 'judicial', 'industry'];
const CHANNEL_WEIGHTS = [0.7, 0.15, 0.08, 0.07];

/** A person who acts in the history: their account's id and display name. */
export interface Person {
  id: string;
  name: string;
}

/** The staff the history's actions are by (their demo accounts; tests pass stand-ins). */
export interface HistoryStaff {
  /** The city's dispatcher, for districts without one of their own. */
  city: Person;
  /** Each district's dispatcher, by district code. */
  dispatchers: ReadonlyMap<string, Person>;
  /** Units' field accounts by unit id; a unit without one acts under its own id and callsign. */
  units: ReadonlyMap<string, Person>;
}

/** An incident as the generator keeps it: the facts the effects read and every column the hub writes. */
export type HistIncident = IncidentFacts & {
  kind: 'general' | 'dispute';
  description: string;
  source: IncidentSource;
  externalId: string | null;
  reporter: { name?: string; phone?: string } | null;
  gridCode: string;
  lon: number;
  lat: number;
  address: string;
  department: string;
  updatedAt: Date;
  closedAt: Date | null;
  verifiedAt: Date | null;
  resolveDueAt: Date | null;
  dueAt: Date | null;
  mergedInto: string | null;
  rating: number | null;
  ratingComment: string | null;
  photoIds: string[];
  dispute: DisputeJson | null;
  version: number;
};

/** What a history incident starts from. */
export interface Opening {
  createdAt: number;
  category: RiskCategory;
  priority: number;
  title: string;
  description: string;
  source: IncidentSource;
  externalId: string | null;
  trackingCode: string | null;
  gridCode: string;
  position: LonLat;
  address: string;
  who: Reporter;
  sources: SourceEntry[];
  parties: { name: string; idKey: string | null }[];
  /** Earlier disputes of the same parties and within 100 m in the last year (the hub's recurrence query). */
  recurrence: { sameParties: number; sameAddress: number };
  /** Not worked at once: waits for a supervisor (model.ts NEGLECT). */
  neglected: boolean;
  /** Found false or a duplicate once the centre looked. */
  cancel: boolean;
  /** Whether the citizen rates it (citizen reports). */
  rates: boolean;
}

/** A supervisor's alarm of a breach, with its event, linked to the incident (handled when the dispatcher opens it). */
export interface BreachAlarm {
  event: StoredEvent;
  row: NewAlarm;
  handledAtMs: number;
}

export interface LoopResult {
  incident: HistIncident;
  timeline: TimelineEntry[];
  sources: SourceEntry[];
  breaches: BreachAlarm[];
  /** Each unit's time on this incident, to book it busy. */
  bookings: { unitId: string; from: number; to: number }[];
  /** The latest instant anything of it happened (its close, or the last alarm handled). */
  endMs: number;
}

/** The demo units by kind, nearest first, and when each is free again. */
export class UnitBoard {
  private readonly byKind = new Map<string, { tree: KDBush; units: Unit[] }>();
  private readonly busyUntil = new Map<string, number>();
  readonly byId: Map<string, Unit>;
  /** Grid workers by street code (who verifies a street's incidents). */
  readonly gridWorkersOf: Map<string, Unit[]>;

  constructor(units: readonly Unit[]) {
    const on = units.filter((u) => u.status !== 'offline');
    this.byId = new Map(on.map((u) => [u.id, u]));
    const kinds = new Map<string, Unit[]>();
    for (const u of on) (kinds.get(u.kind) ?? kinds.set(u.kind, []).get(u.kind)!).push(u);
    for (const [kind, list] of kinds) {
      const tree = new KDBush(list.length);
      for (const u of list) tree.add(u.position[0], u.position[1]);
      tree.finish();
      this.byKind.set(kind, { tree, units: list });
    }
    this.gridWorkersOf = new Map();
    for (const u of kinds.get('grid_worker') ?? []) {
      const street = u.homeRegionCode.slice(0, 9);
      (this.gridWorkersOf.get(street) ?? this.gridWorkersOf.set(street, []).get(street)!).push(u);
    }
  }

  /** Up to `count` units of these kinds nearest to `p`, free at `ms` if any are near, never one of `not`. */
  nearest(kinds: readonly string[], p: LonLat, count: number, ms: number, not: ReadonlySet<string>): Unit[] {
    const found: { u: Unit; d: number; free: boolean }[] = [];
    for (const k of kinds) {
      const idx = this.byKind.get(k);
      if (!idx) continue;
      for (const i of around(idx.tree, p[0], p[1], 6)) {
        const u = idx.units[i]!;
        if (not.has(u.id)) continue;
        found.push({ u, d: planarDistanceM(u.position, p), free: (this.busyUntil.get(u.id) ?? 0) <= ms });
      }
    }
    found.sort((a, b) => Number(b.free) - Number(a.free) || a.d - b.d);
    return found.slice(0, count).map((f) => f.u);
  }

  book(bookings: readonly { unitId: string; to: number }[]): void {
    for (const b of bookings) this.busyUntil.set(b.unitId, Math.max(this.busyUntil.get(b.unitId) ?? 0, b.to));
  }
}

export interface LoopContext {
  policy: SlaPolicy;
  staff: HistoryStaff;
  board: UnitBoard;
  surroundings: Surroundings;
  seed: number;
}

/** Drive one incident from its report to its end; `id` is its uuid. */
export function runIncident(ctx: LoopContext, o: Opening, id: string, rng: Rng): LoopResult {
  const { policy, board, staff } = ctx;
  const dispatcher = staff.dispatchers.get(o.gridCode.slice(0, 6)) ?? staff.city;
  const unitPerson = (u: Unit): Person => staff.units.get(u.id) ?? { id: u.id, name: u.callsign };
  const isDispute = DISPUTE_CATEGORIES.has(o.category);
  const created = new Date(o.createdAt);

  let dispute: DisputeJson | null = null;
  const text = () => [o.description, ...(dispute?.mediations.map((m) => m.note) ?? [])].join('\n');
  const riskNow = (escalations: number) =>
    disputeRisk({
      category: o.category,
      sameParties: o.recurrence.sameParties,
      sameAddress: o.recurrence.sameAddress,
      failedMediations: dispute?.mediations.filter((m) => m.outcome === 'failed').length ?? 0,
      escalations,
      text: text(),
    });
  if (isDispute) {
    dispute = {
      parties: o.parties,
      channel: null,
      mediations: [],
      outcome: 'ongoing',
      risk: { score: 0, level: 'low', factors: [] },
      supervised: false,
    };
    dispute.risk = riskNow(0);
  }
  const opening = reportedEffects(
    { category: o.category, priority: o.priority, gridCode: o.gridCode, source: o.source, createdAt: created },
    o.who,
    policy,
    dispute?.risk ?? null,
  );
  if (dispute && opening.supervised) dispute.supervised = true;
  const row: HistIncident = {
    ...opening.set,
    id,
    code: '',
    title: o.title,
    category: o.category,
    priority: o.priority,
    trackingCode: o.trackingCode,
    createdAt: created,
    firstDispatchedAt: null,
    dispatchedAt: null,
    unitAcceptedAt: null,
    arrivedAt: null,
    resolvedAt: null,
    acceptedAt: null,
    rejections: 0,
    kind: isDispute ? 'dispute' : 'general',
    description: o.description,
    source: o.source,
    externalId: o.externalId,
    reporter: null,
    gridCode: o.gridCode,
    lon: o.position[0],
    lat: o.position[1],
    address: o.address,
    department: CATEGORIES[o.category].department,
    updatedAt: created,
    closedAt: null,
    verifiedAt: null,
    mergedInto: null,
    rating: null,
    ratingComment: null,
    photoIds: [],
    dispute,
    version: 1,
  };
  const timeline: TimelineEntry[] = [...opening.timeline];
  const sources: SourceEntry[] = [...o.sources];
  const breaches: BreachAlarm[] = [];
  const bookings: { unitId: string; from: number; to: number }[] = [];
  const since = new Map<string, number>();
  let endMs = o.createdAt;
  let t = o.createdAt;

  /** A write as the incident store makes it: the patch, the next deadline, the timeline, one more version. */
  const apply = (change: Change, at: number) => {
    Object.assign(row, change.set);
    row.dueAt = nextDeadline(row, policy);
    timeline.push(...change.timeline);
    if (change.sources) sources.push(...change.sources);
    for (const u of change.busy ?? []) since.set(u, at);
    for (const u of change.free ?? []) {
      bookings.push({ unitId: u, from: since.get(u) ?? at, to: at });
      since.delete(u);
    }
    row.version++;
    endMs = Math.max(endMs, at);
  };
  /** The SLA sweep between now and `until`: each deadline passed is a breach (flag, supervisor alarm, one level up). */
  const sweep = (until: number) => {
    for (let guard = 0; guard < 8 && row.dueAt; guard++) {
      const at = row.dueAt.getTime() + rng.int(0, SWEEP_LAG_MS);
      if (at >= until) return;
      const fresh = freshBreaches(row, policy, at);
      if (fresh.length === 0) return;
      const change = breachEffects(row, fresh, new Date(at));
      for (const stage of fresh) {
        const event: StoredEvent = {
          id: `sla:${row.id}:${stage}`,
          source: HUB_SOURCE as EventSource,
          type: 'sla_breach',
          at: new Date(at).toISOString(),
          location: { lon: row.lon, lat: row.lat },
          attributes: { incidentId: row.id, code: '', stage, title: row.title },
          gridCode: row.gridCode,
          lon: row.lon,
          lat: row.lat,
        };
        const priority = Math.min(row.priority, 2) as 1 | 2;
        const alarm = alarmRow(
          event,
          { ruleId: 'sla-breach', ruleName: '超时督办', priority, actions: [] },
          ctx.surroundings,
          new Date(at),
        );
        alarm.id = uuidOf(rng);
        alarm.incidentId = row.id;
        // The dispatcher opens it (its work is the incident's): it leaves the queue as 'incident'.
        const handledAtMs = at + stepDelayMs('alarm', priority, rng, 1);
        breaches.push({ event, row: alarm, handledAtMs });
        endMs = Math.max(endMs, handledAtMs);
      }
      if (dispute) rescore(change, at);
      apply(change, at);
    }
  };
  /** The hub's dispute scoring after a mediation or breach: a newly high risk escalates and supervises once. */
  const rescore = (change: Change, at: number) => {
    const d = dispute!;
    const escalations = change.set.escalations ?? row.escalations;
    const risk = riskNow(escalations);
    d.risk = risk;
    if (risk.level === 'high' && !d.supervised) {
      d.supervised = true;
      change.set.flagged = true;
      if (escalations < row.maxEscalations) change.set.escalations = escalations + 1;
      change.timeline.push(highRiskEntry(new Date(at), risk.score));
    }
    change.set.dispute = { ...d, risk, mediations: [...d.mediations] };
  };
  /** One action at `at` through the machine; the breaches due before it come first. */
  const act = (at: number, input: Omit<ActionInput, 'at'>, actorName: string, after?: (c: Change) => Change) => {
    sweep(at);
    t = Math.max(t, at);
    const r = stepEffects(row, { ...input, at: new Date(t).toISOString() }, actorName, (uid) => {
      const u = board.byId.get(uid)!;
      return { callsign: u.callsign, kind: u.kind };
    });
    if (!r.ok) throw new Error(`history: ${input.action} refused on ${row.id}: ${r.reason}`);
    apply(after ? after(r.change) : r.change, t);
  };
  const centre = (): { actor: IncidentActor; actorId: string } => ({ actor: 'centre', actorId: dispatcher.id });

  // Accepted by the centre (a neglected one waits for a supervisor).
  const p = o.priority;
  t += o.neglected
    ? logNormalMs(rng, NEGLECT.median, NEGLECT.sigma, NEGLECT.min, NEGLECT.max)
    : stepDelayMs('accept', p, rng, 1);
  act(t, { action: 'accept', ...centre() }, dispatcher.name);
  if (o.cancel) {
    act(
      t + stepDelayMs('dispatch', p, rng, 1),
      { action: 'cancel', ...centre(), note: '经核实不属实或重复上报' },
      dispatcher.name,
    );
    return { incident: row, timeline, sources, breaches, bookings, endMs };
  }
  const kinds = CATEGORIES[o.category].unitKinds;
  const declined = new Set<string>();
  let rejections = 0;
  for (;;) {
    // Dispatch the nearest free units of the category's kinds (two for priority 1), until one accepts.
    let there: Unit | null = null;
    while (!there) {
      t += stepDelayMs('dispatch', p, rng, 1);
      const units = board.nearest(kinds, o.position, p === 1 ? 2 : 1, t, declined);
      if (units.length === 0) throw new Error(`history: no unit of ${kinds.join('/')} for ${o.category}`);
      act(t, { action: 'dispatch', ...centre(), unitIds: units.map((u) => u.id) }, dispatcher.name);
      const dispatchedAt = t;
      let accepted: { u: Unit; at: number }[] = [];
      for (const u of units) {
        const at = dispatchedAt + stepDelayMs('answer', p, rng, 1);
        const who = unitPerson(u);
        if (rng.chance(DECLINE_SHARE) && row.status === 'dispatched') {
          act(at, { action: 'unit_decline', actor: 'unit', actorId: who.id, unitId: u.id }, who.name);
          declined.add(u.id);
        } else {
          act(at, { action: 'unit_accept', actor: 'unit', actorId: who.id, unitId: u.id }, who.name);
          accepted.push({ u, at });
        }
      }
      if (accepted.length === 0) continue;
      // Each on its way: by road at its kind's speed, after a few minutes to set off.
      accepted = accepted.map(({ u, at }) => ({
        u,
        at:
          at +
          rng.int(60_000, 240_000) +
          ((planarDistanceM(u.position, o.position) * 1.4) / 1000 / (SPEED_KMH[u.kind] ?? 15)) * 3_600_000,
      }));
      accepted.sort((a, b) => a.at - b.at);
      for (const { u, at } of accepted) {
        const who = unitPerson(u);
        act(Math.round(at), { action: 'arrive', actor: 'unit', actorId: who.id, unitId: u.id }, who.name);
      }
      there = accepted[0]!.u;
    }
    // The work: a dispute's mediations over days; a city crew's job over hours; the rest on the spot.
    if (dispute) {
      let sessions = 1;
      if (rng.chance(0.35)) sessions += rng.chance(0.3) ? 2 : 1;
      let at = t + rng.int(20, 90) * 60_000;
      for (let s = 1; s <= sessions; s++) {
        if (s > 1) at += logNormalMs(rng, MEDIATION.median, MEDIATION.sigma, MEDIATION.min, MEDIATION.max);
        const last = s === sessions;
        const outcome = last
          ? rng.chance(AGREED_SHARE)
            ? 'agreed'
            : 'failed'
          : rng.chance(0.5)
            ? 'failed'
            : 'ongoing';
        const channel = MEDIATION_CHANNELS[rng.weightedIndex(CHANNEL_WEIGHTS)]!;
        const note =
          outcome === 'agreed'
            ? '双方达成调解协议'
            : outcome === 'failed'
              ? '双方分歧较大，调解未成'
              : '初步沟通，约定再次调解';
        sweep(at);
        t = Math.max(t, at);
        const d = dispute;
        d.channel = channel;
        d.outcome = outcome;
        d.mediations.push({
          at: new Date(t).toISOString(),
          channel,
          mediator: there.callsign,
          note,
          outcome,
          by: dispatcher.name,
        });
        const change: Change = {
          set: { updatedAt: new Date(t) },
          timeline: [
            {
              at: new Date(t),
              action: 'mediation',
              fromStatus: row.status,
              toStatus: row.status,
              ...centre(),
              actorName: dispatcher.name,
              note,
              details: { channel, outcome, mediator: there.callsign },
            },
          ],
        };
        rescore(change, t);
        apply(change, t);
      }
      t += rng.int(10, 60) * 60_000;
    } else if (CITY_WORK_CATEGORIES.has(o.category)) {
      t += logNormalMs(rng, CITY_WORK.median, CITY_WORK.sigma, CITY_WORK.min, CITY_WORK.max);
    } else {
      t += stepDelayMs('resolve', p, rng, 1);
    }
    const fixer = unitPerson(there);
    act(t, { action: 'resolve', actor: 'unit', actorId: fixer.id, unitId: there.id }, fixer.name);
    // The grid worker of the street checks it (网格验收), or the centre where the street has none.
    const gw = board.gridWorkersOf.get(o.gridCode.slice(0, 9))?.[0];
    const checker = gw ? unitPerson(gw) : dispatcher;
    const by: IncidentActor = gw ? 'grid_worker' : 'centre';
    t += stepDelayMs('verify', p, rng, 1);
    if (rejections < 2 && rng.chance(REJECT_SHARE)) {
      rejections++;
      act(t, { action: 'reject', actor: by, actorId: checker.id, note: '现场复核未整改到位，退回重办' }, checker.name);
      declined.clear();
      continue;
    }
    act(t, { action: 'verify', actor: by, actorId: checker.id }, checker.name);
    break;
  }
  if (row.status === 'verified') {
    if (o.rates && o.trackingCode) {
      const score = ratingOf(ctx.seed, id);
      const at = t + stepDelayMs('rate', p, rng, 1);
      act(at, { action: 'rate', actor: 'citizen', actorId: o.trackingCode, rating: score }, '', (c) =>
        ratedEffects(c, score, score >= 4 ? '处理及时，满意' : '', new Date(at)),
      );
    } else {
      // No rating within the window: the sweep closes it (sla-sweep.service.ts).
      const at = t + RATING_WINDOW_MS + rng.int(0, SWEEP_LAG_MS);
      act(at, { action: 'close', actor: 'system', actorId: 'hub' }, '', (c) => {
        c.timeline[0]!.hubNote = { key: 'timeline.ratingTimeout', params: { hours: RATING_WINDOW_MS / 3_600_000 } };
        return c;
      });
    }
  }
  if (activeUnits(row.assignments).length) throw new Error(`history: ${row.id} ended with units on it`);
  return { incident: row, timeline, sources, breaches, bookings, endMs };
}
