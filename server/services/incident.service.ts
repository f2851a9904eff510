/**
 * Incidents (issue 6): the closed loop from an alarm or a report to the citizen's rating.
 *
 * Every change is one transaction: read the incident FOR UPDATE, refuse a stale version (409 with
 * the current state), ask the state machine (shared/incident-machine.ts), apply its consequences
 * (assignments, units busy or free, stage times, the next SLA deadline, the timeline), write with
 * the next rev; after the commit, audit and publish. SLA breaches are found by a sweep over the
 * stored deadlines, so they survive restarts; a breach flags the incident, raises an alarm for the
 * supervisors and escalates it one region level up.
 */
import type { FeedSource } from '../realtime/rev-feed';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AlarmRepository, AlarmRow } from '../repositories/alarm.repository';
import type { EventRepository } from '../repositories/event.repository';
import type { IncidentRepository, IncidentRow, NewIncident, NewTimeline, SourceRow, UnitRow } from '../repositories/incident.repository';
import type { MetaRepository } from '../repositories/meta.repository';
import type { Db } from '../db/connect';
import type { Clock } from '../clock';
import type { AuditService } from './audit.service';
import { actorOf, type AuthContext, type RequestMeta } from '../auth/context';
import type { AlarmService, PreparedRules } from './alarm.service';
import { eventRow, type StoredEvent } from './ingest.service';
import { UnitIndex, distanceM } from './unit-index';
import { authorize, authorizeObject, decide, sees, type Action, type Principal } from '../auth/policy';
import { HttpError } from '../http-errors';
import { ErrorCode } from '../../shared/errors';
import { scopePrefix } from '../../shared/auth';
import { allowedActions, transition, type ActionInput, type IncidentActor, type IncidentState, type IncidentStatus } from '../../shared/incident-machine';
import { CATEGORIES, DISPUTE_CATEGORIES, categoryOfEvent, compatibleCategories, type RiskCategory } from '../../shared/incident-categories';
import { DEFAULT_SLA, dueBreaches, nextDue, slaClocks, slaPolicy, stageMinutes, type SlaPolicy, type SlaStage, type StageTimes } from '../../shared/sla';
import { disputeRisk } from '../../shared/dispute-risk';
import type {
  CitizenReportBody,
  CitizenStatus,
  CreateIncidentBody,
  DispatchProposal,
  FieldHome,
  IncidentActionBody,
  IncidentDetail,
  IncidentListQuery,
  IncidentPage,
  IncidentSyncReply,
  IncidentView,
  MediationBody,
  MergeCandidate,
  PositionBody,
  RatingBody,
  UnitLive,
} from '../../shared/incidents';
import { syncPage } from './sync-page';
import { INCIDENT_DELTA_MAX_BEHIND, INCIDENT_DELTA_PAGE, INCIDENT_SNAPSHOT_LIMIT } from '../../shared/incidents';
import type { AssignmentJson, DisputeJson } from '../db/schema';
import type { LonLat } from '../../shared/world';
import { HUB_SOURCE, type EventSource } from '../../shared/ingest';

/** Region code lengths, from where an incident happens up to the city: escalation goes one step up. */
const LEVELS = [15, 12, 9, 6, 4] as const;
/** Merge proposals: within this distance and time, with a compatible category. */
export const MERGE_RADIUS_M = 300;
export const MERGE_WINDOW_MIN = 60;
/** A verified citizen report waits this long for the rating, then closes without one. */
export const RATING_WINDOW_MS = 72 * 3_600_000;
/** How many units a proposal lists, and how far it looks. */
const PROPOSAL_UNITS = 5;
const PROPOSAL_RADIUS_M = 15_000;
const PROPOSAL_CAMERAS = 4;
const SLA_META_KEY = 'sla_policy';

type Change = {
  set: Partial<NewIncident>;
  timeline: Omit<NewTimeline, 'incidentId'>[];
  sources?: Omit<SourceRow, 'incidentId'>[];
  /** Units to mark busy (on this incident) or free. */
  busy?: string[];
  free?: string[];
};

export interface IncidentSinks {
  publish(views: IncidentView[]): void;
  /** Units that moved or changed status, with their home region (their room). */
  publishUnits(units: { regionCode: string; live: UnitLive }[]): void;
}

export interface Locator {
  /** The grid of a point, or null outside the city. */
  locate(p: LonLat): Promise<string | null>;
  /** The nearest cameras of a point. */
  cameras(p: LonLat, count: number): Promise<string[]>;
  /** A region's centre (a QR code's place when the citizen gives none), or null. */
  regionCenter(code: string): Promise<LonLat | null>;
}

export class IncidentService {
  sinks: IncidentSinks = { publish: () => undefined, publishUnits: () => undefined };
  /** Told after commit when units are sent to an incident (the demo simulator drives them there). */
  onUnitsSent: ((unitIds: string[], target: LonLat) => void) | null = null;
  /** Units whose member's phone sends real positions: the simulator leaves them alone. */
  readonly reportingUnits = new Set<string>();
  readonly units: UnitIndex;
  private policy: SlaPolicy | null = null;
  private sweeping: Promise<number> | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repo: IncidentRepository,
    private readonly alarmsRepo: AlarmRepository,
    private readonly events: EventRepository,
    private readonly alarms: AlarmService,
    private readonly meta: MetaRepository,
    private readonly audit: AuditService,
    private readonly locator: Locator,
    private readonly transact: <T>(fn: (tx: Db) => Promise<T>) => Promise<T>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.units = new UnitIndex(
      () => repo.allUnits(),
      (since) => repo.unitsChangedSince(since),
      () => clock.now(),
    );
  }

  // ------------------------------------------------------------------ SLA policy

  async slaPolicy(): Promise<SlaPolicy> {
    if (this.policy) return this.policy;
    const stored = slaPolicy.safeParse(await this.meta.get(SLA_META_KEY));
    this.policy = stored.success ? stored.data : DEFAULT_SLA;
    return this.policy;
  }

  /**
   * The policy inside a transaction: loaded beforehand (at start, and by every entry point), never
   * read there (on PGlite's one connection a read outside the transaction would wait for it).
   */
  private loadedPolicy(): SlaPolicy {
    if (!this.policy) throw new Error('SLA policy used before it was loaded (call slaPolicy() first)');
    return this.policy;
  }

  async putSlaPolicy(ctx: AuthContext, policy: SlaPolicy, meta: RequestMeta): Promise<SlaPolicy> {
    authorize(ctx.principal, 'admin:manage');
    // One policy for the whole city: a district's admin may not change the clocks of other districts.
    if (scopeFilter(ctx.principal.scope)) throw new HttpError(403, ErrorCode.AuthForbidden, `the SLA policy applies to the whole city; scope ${ctx.principal.scope} is narrower`);
    const before = await this.slaPolicy();
    await this.meta.set(SLA_META_KEY, policy);
    this.policy = policy;
    await this.audit.record({ actor: actorOf(ctx), actorName: ctx.name, action: 'sla.update', target: 'sla', address: meta.address, outcome: 'ok', details: { before, after: policy } });
    return policy;
  }

  // ------------------------------------------------------------------ reading

  async view(row: IncidentRow): Promise<IncidentView> {
    return toView(row, await this.slaPolicy(), this.clock.now());
  }

  async views(rows: readonly IncidentRow[]): Promise<IncidentView[]> {
    const policy = await this.slaPolicy();
    const now = this.clock.now();
    return rows.map((r) => toView(r, policy, now));
  }

  async list(ctx: AuthContext, q: IncidentListQuery): Promise<IncidentPage> {
    authorize(ctx.principal, 'incident:read');
    let prefix = scopeFilter(ctx.principal.scope);
    if (q.region) {
      const p = scopePrefix(q.region);
      if (!p.startsWith(prefix) && !prefix.startsWith(p)) throw new HttpError(403, ErrorCode.AuthForbidden, `region ${q.region} lies outside scope ${ctx.principal.scope}`);
      if (p.length > prefix.length) prefix = p;
    }
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const statuses = q.status === 'open' || q.status === 'closed' || q.status === 'all' ? q.status : [q.status];
    const rows = await this.repo.list({
      prefix,
      statuses,
      category: q.category,
      priority: q.priority,
      source: q.source,
      kind: q.kind,
      flagged: q.flagged === undefined ? undefined : q.flagged === 'true',
      unitId: q.unit,
      sort: q.sort,
      limit: q.limit + 1,
      after,
    });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      incidents: await this.views(page),
      nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null,
    };
  }

  async detail(ctx: AuthContext, id: string): Promise<IncidentDetail> {
    const row = await this.readable(ctx, id);
    return this.detailOf(ctx, row);
  }

  private async detailOf(ctx: AuthContext, row: IncidentRow): Promise<IncidentDetail> {
    const [timeline, sources] = await Promise.all([this.repo.timeline([row.id, ...row.mergedFrom]), this.repo.sources(row.id)]);
    await this.units.fresh();
    let actor: IncidentActor | null;
    try {
      actor = this.actorFor(ctx, row);
    } catch {
      actor = null; // may read, may not act
    }
    return {
      incident: await this.view(row),
      timeline: timeline.map((t) => ({
        incidentId: t.incidentId,
        at: t.at.toISOString(),
        action: t.action,
        from: t.fromStatus,
        to: t.toStatus,
        actor: t.actor as IncidentActor,
        actorId: t.actorId,
        actorName: t.actorName,
        note: t.note,
        details: t.details ?? null,
      })),
      sources: sources.map((s) => ({ kind: s.kind, ref: s.ref, at: s.at.toISOString(), summary: s.summary })),
      actions: actor ? actionsFor(row, actor, ctx.user?.unitId) : [],
    };
  }

  /** Every region's committed changes in rev order, for the hub's rev feed (server/realtime/rev-feed.ts). */
  feedSource(): FeedSource<IncidentView> {
    return {
      read: async (after, limit) => this.views(await this.repo.changedSince('', after, limit)),
      maxRev: () => this.repo.maxRev(),
      rev: (v) => v.rev,
    };
  }

  /** As AlarmService.sync: in pages, or a snapshot of the open incidents (sync-page.ts). */
  async sync(principal: Principal, since: number | null, page = INCIDENT_DELTA_PAGE): Promise<IncidentSyncReply> {
    authorize(principal, 'incident:read');
    const prefix = scopeFilter(principal.scope);
    const { rows, ...reply } = await syncPage(
      { maxRev: () => this.repo.maxRev(), changedSince: (after, limit) => this.repo.changedSince(prefix, after, limit), open: () => this.repo.open(prefix, INCIDENT_SNAPSHOT_LIMIT) },
      since,
      page,
      INCIDENT_DELTA_MAX_BEHIND,
    );
    return { ...reply, incidents: await this.views(rows) };
  }

  private async readable(ctx: AuthContext, id: string): Promise<IncidentRow> {
    authorize(ctx.principal, 'incident:read');
    return this.found(id, (row) => this.checkIncident(ctx, row, 'incident:read', `incident ${id}`));
  }

  /** The incident by id (404 when there is none), checked by `guard` before anything else reads it. */
  private async found(id: string, guard: (row: IncidentRow) => void): Promise<IncidentRow> {
    const row = isId(id) ? await this.repo.byId(id) : undefined;
    if (!row) throw new HttpError(404, ErrorCode.IncidentNotFound, `no incident with id ${JSON.stringify(id)}`);
    guard(row);
    return row;
  }

  /**
   * One incident against the principal (policy.ts, issue 13): a field member's own unit's incidents
   * wherever they lie; anything else inside the scope. The refusal names the incident as the caller
   * did (`what`), nothing of it.
   */
  private checkIncident(ctx: AuthContext, row: IncidentRow, action: Action, what: string): void {
    if (this.ownUnitsIncident(ctx, row)) authorize(ctx.principal, action);
    else authorizeObject(ctx.principal, action, what, row.gridCode);
  }

  /** checkIncident as a yes or no (what an answer may mention, what a list may hold). */
  private canSee(ctx: AuthContext, row: IncidentRow, action: Action = 'incident:read'): boolean {
    return this.ownUnitsIncident(ctx, row) ? decide(ctx.principal, action).allow : decide(ctx.principal, action, row.gridCode).allow;
  }

  private ownUnitsIncident(ctx: AuthContext, row: IncidentRow): boolean {
    const unitId = ctx.user?.unitId;
    return ctx.principal.role === 'field' && !!unitId && row.assignments.some((a) => a.unitId === unitId);
  }

  /**
   * A photo lies where the incidents that show it lie: readable when one of them is; a photo no
   * incident holds yet, by its uploader alone. Checked before the photo's bytes are read (an id
   * with no photo is left to the photo service's 404).
   */
  async checkPhoto(ctx: AuthContext, id: string): Promise<void> {
    authorize(ctx.principal, 'incident:read');
    if (!isId(id)) return;
    const photo = id.toLowerCase();
    const holders = await this.repo.incidentsWithPhoto(photo);
    if (holders.some((r) => this.canSee(ctx, r))) return;
    const uploader = await this.repo.photoUploader(photo);
    if (uploader === undefined || (holders.length === 0 && uploader === ctx.principal.id)) return;
    throw new HttpError(403, ErrorCode.AuthForbidden, `photo ${id} lies outside scope ${ctx.principal.scope}`);
  }

  // ------------------------------------------------------------------ creating

  /** The dispatcher's form, a hotline ticket (device key or typed in), or a field unit's report. */
  async create(ctx: AuthContext, body: CreateIncidentBody, meta: RequestMeta): Promise<{ detail: IncidentDetail; created: boolean }> {
    authorize(ctx.principal, 'incident:create');
    const source = ctx.kind === 'device' ? 'hotline' : ctx.principal.role === 'field' ? 'field' : (body.source ?? 'dispatcher');
    if (body.externalId) {
      const existing = await this.repo.byExternalId(source, body.externalId);
      // The same ticket again answers its incident, to whoever may see it: an external id is no key
      // to another district's incident.
      if (existing) {
        this.checkIncident(ctx, existing, 'incident:create', `the incident of body.externalId ${JSON.stringify(body.externalId)}`);
        return { detail: await this.detailOf(ctx, existing), created: false };
      }
    }
    const position: LonLat = [round6(body.location.lon), round6(body.location.lat)];
    const gridCode = await this.locator.locate(position);
    if (!gridCode) throw new HttpError(400, ErrorCode.RequestInvalid, `body.location: (${body.location.lon}, ${body.location.lat}) lies outside the city (no grid contains it)`);
    if (ctx.principal.role !== 'field') authorizeObject(ctx.principal, 'incident:create', 'body.location', gridCode);
    const photoIds = await this.checkPhotos(body.photoIds ?? []);
    await this.slaPolicy();
    const now = new Date(this.clock.now());
    const row = await this.transact(async (tx) => {
      const inserted = await this.insert(
        {
          category: body.category,
          priority: body.priority,
          title: body.title,
          description: body.description,
          source,
          externalId: body.externalId ?? null,
          reporter: body.reporter ?? null,
          gridCode,
          position,
          address: body.address,
          parties: body.parties,
          photoIds,
          createdAt: now,
        },
        { actor: ctx.kind === 'device' ? 'system' : ctx.principal.role === 'field' ? 'unit' : 'centre', actorId: ctx.principal.id, actorName: ctx.displayName || ctx.name, note: null },
        [{ kind: 'report', ref: body.externalId ?? `${source}:${ctx.principal.id}`, at: now, summary: `${source}: ${body.title}` }],
        tx,
      );
      return inserted;
    });
    await this.audit.record({ actor: actorOf(ctx), actorName: ctx.name, action: 'incident.create', target: `incident:${row.id}`, address: meta.address, outcome: 'ok', details: { code: row.code, source, category: row.category, grid: row.gridCode } });
    await this.published([row]);
    return { detail: await this.detailOf(ctx, row), created: true };
  }

  /** An incident from an alarm (one click); the alarm that has one already gives that one. */
  async fromAlarm(ctx: AuthContext, alarmId: string, meta: RequestMeta): Promise<{ detail: IncidentDetail; created: boolean }> {
    authorize(ctx.principal, 'incident:dispatch');
    const alarm = isId(alarmId) ? await this.alarmsRepo.byId(alarmId) : undefined;
    if (!alarm) throw new HttpError(404, ErrorCode.AlarmNotFound, `no alarm with id ${JSON.stringify(alarmId)}`);
    authorizeObject(ctx.principal, 'incident:dispatch', `alarm ${alarmId}`, alarm.gridCode);
    // The alarm's incident already (one the city-wide desk attached it to may lie in another district).
    const theirs = `the incident of alarm ${alarmId}`;
    const linked = alarm.incidentId ? await this.repo.byId(alarm.incidentId) : undefined;
    if (linked) {
      this.checkIncident(ctx, linked, 'incident:dispatch', theirs);
      return { detail: await this.detailOf(ctx, linked), created: false };
    }
    const existing = await this.repo.byAlarm(alarm.id);
    if (existing) {
      this.checkIncident(ctx, existing, 'incident:dispatch', theirs);
      return { detail: await this.detailOf(ctx, existing), created: false };
    }
    const prepared = await this.alarms.prepare();
    await this.slaPolicy();
    const result = await this.transact(async (tx) => {
      const again = await this.repo.byAlarm(alarm.id, tx);
      if (again) {
        this.checkIncident(ctx, again, 'incident:dispatch', theirs);
        return { row: again, alarms: [] as AlarmRow[], created: false };
      }
      const made = await this.fromAlarmsIn([alarm], tx, (f) => prepared.surroundings.world.facilityKind(f), { actor: 'centre', actorId: ctx.principal.id, actorName: ctx.displayName || ctx.name });
      return { row: made.incidents[0]!, alarms: made.alarms, created: true };
    });
    if (result.created) {
      await this.audit.record({ actor: actorOf(ctx), actorName: ctx.name, action: 'incident.from-alarm', target: `incident:${result.row.id}`, address: meta.address, outcome: 'ok', details: { alarm: alarm.id, code: result.row.code } });
      this.alarms.published(result.alarms);
      await this.published([result.row]);
    }
    return { detail: await this.detailOf(ctx, result.row), created: result.created };
  }

  /**
   * Incidents for alarms, inside the caller's transaction (the ingest transaction makes priority-1
   * alarms incidents automatically; the one-click path comes here too). The alarms become 'incident'.
   */
  async fromAlarmsIn(
    alarms: readonly AlarmRow[],
    tx: Db,
    facilityKind: (id: string) => string | undefined,
    who: { actor: IncidentActor; actorId: string; actorName: string } = { actor: 'system', actorId: 'hub', actorName: 'system' },
    deviceOf: ReadonlyMap<string, string | undefined> = new Map(),
  ): Promise<{ incidents: IncidentRow[]; alarms: AlarmRow[] }> {
    const out: IncidentRow[] = [];
    const linked: AlarmRow[] = [];
    const now = new Date(this.clock.now());
    for (const a of alarms) {
      const device = deviceOf.get(a.id);
      const category = categoryOfEvent(a.eventType as never, device ? facilityKind(device) : a.zoneName?.includes('学') ? 'school' : null);
      const row = await this.insert(
        {
          category,
          priority: a.priority,
          title: a.zoneName ? `${a.ruleName} · ${a.zoneName}` : a.ruleName,
          description: '',
          source: 'alarm',
          externalId: null,
          reporter: null,
          gridCode: a.gridCode,
          position: [a.lon, a.lat],
          address: a.zoneName ?? '',
          photoIds: [],
          createdAt: now,
        },
        { ...who, note: who.actor === 'system' ? `priority ${a.priority} alarm: an incident at once` : null },
        [{ kind: 'alarm', ref: a.id, at: a.createdAt, summary: `${a.ruleName} (${a.eventType})` }],
        tx,
      );
      out.push(row);
      // Made by hand: the alarm is handled (status incident). Made at once by the hub: the alarm
      // stays new, so it still pops up and sounds on every desk, and points at its incident.
      linked.push(...(await this.alarmsRepo.linkIncident(tx, [a.id], row.id, who.actor === 'system' ? null : { by: who.actorName, at: now }, now)));
    }
    return { incidents: out, alarms: linked };
  }

  /** The ingest commit's hook: its priority-1 alarms (≤ AUTO_PRIORITY) become incidents in the same transaction. */
  autoFromAlarms(autoPriority: number) {
    return async (raised: AlarmRow[], events: StoredEvent[], tx: Db, prepared: PreparedRules): Promise<{ incidents: IncidentRow[]; alarms: AlarmRow[] }> => {
      const urgent = raised.filter((a) => a.priority <= autoPriority);
      if (urgent.length === 0) return { incidents: [], alarms: [] };
      const deviceOf = new Map<string, string | undefined>();
      const byEvent = new Map(events.map((e) => [`${e.source}\u0000${e.id}`, e.deviceId]));
      for (const a of urgent) deviceOf.set(a.id, byEvent.get(`${a.eventSource}\u0000${a.eventId}`));
      return this.fromAlarmsIn(urgent, tx, (f) => prepared.surroundings.world.facilityKind(f), undefined, deviceOf);
    };
  }

  private async insert(
    d: {
      category: RiskCategory;
      priority: number;
      title: string;
      description: string;
      source: IncidentRow['source'];
      externalId: string | null;
      trackingCode?: string;
      reporter: IncidentRow['reporter'];
      gridCode: string;
      position: LonLat;
      address: string;
      parties?: { name: string; idKey?: string }[];
      photoIds: string[];
      createdAt: Date;
    },
    who: { actor: IncidentActor; actorId: string; actorName: string; note: string | null },
    sources: Omit<SourceRow, 'incidentId'>[],
    tx: Db,
  ): Promise<IncidentRow> {
    const id = randomUUID();
    const isDispute = DISPUTE_CATEGORIES.has(d.category);
    const times: StageTimes = { createdAt: d.createdAt.getTime(), dispatchedAt: null, firstDispatchedAt: null, unitAcceptedAt: null, arrivedAt: null, resolvedAt: null };
    const policy = this.loadedPolicy();
    let dispute: DisputeJson | null = null;
    if (isDispute) {
      const parties = (d.parties ?? []).map((p) => ({ name: p.name, idKey: p.idKey ?? null }));
      dispute = { parties, channel: null, mediations: [], outcome: 'ongoing', risk: { score: 0, level: 'low', factors: [] }, supervised: false };
      dispute.risk = await this.riskOf(id, d.category, parties, d.position, d.description, dispute, 0, d.createdAt, tx);
    }
    const escalate = dispute?.risk.level === 'high';
    const maxEscalations = LEVELS.filter((l) => l < d.gridCode.length).length;
    const row = await this.repo.insert(
      {
        id,
        kind: isDispute ? 'dispute' : 'general',
        category: d.category,
        priority: d.priority,
        title: d.title,
        description: d.description,
        status: 'reported',
        source: d.source,
        externalId: d.externalId,
        trackingCode: d.trackingCode ?? null,
        reporter: d.reporter,
        gridCode: d.gridCode,
        lon: d.position[0],
        lat: d.position[1],
        address: d.address,
        department: CATEGORIES[d.category].department,
        assignments: [],
        escalations: escalate ? Math.min(1, maxEscalations) : 0,
        maxEscalations,
        createdAt: d.createdAt,
        updatedAt: d.createdAt,
        dueAt: dueDate(nextDue(times, stageMinutes(policy, d.category, d.priority), [])),
        breaches: [],
        flagged: escalate,
        mergedFrom: [],
        photoIds: d.photoIds,
        dispute: dispute && escalate ? { ...dispute, supervised: true } : dispute,
      },
      tx,
    );
    const timeline: NewTimeline[] = [{ incidentId: id, at: d.createdAt, action: 'report', fromStatus: null, toStatus: 'reported', actor: who.actor, actorId: who.actorId, actorName: who.actorName, note: who.note, details: { source: d.source } }];
    if (escalate) timeline.push(highRiskEntry(id, d.createdAt, dispute!.risk.score));
    await this.repo.addTimeline(timeline, tx);
    await this.repo.addSources(
      sources.map((s) => ({ ...s, incidentId: id })),
      tx,
    );
    return row;
  }

  // ------------------------------------------------------------------ acting

  /** One action of the machine by a dispatcher or a field unit; a stale version is a 409 with the current state. */
  async act(ctx: AuthContext, id: string, body: IncidentActionBody, meta: RequestMeta): Promise<IncidentDetail> {
    authorize(ctx.principal, 'incident:act');
    await this.units.fresh();
    // Every object the action names is checked against the scope first, the incident first: before
    // the version (a stale 409 shows the current incident), the machine, or any other answer.
    const guard = (row: IncidentRow) => {
      this.checkIncident(ctx, row, 'incident:act', `incident ${id}`);
      this.actorFor(ctx, row);
    };
    await this.found(id, guard);
    if (body.action === 'merge' && body.intoId !== undefined) {
      const into = isId(body.intoId) ? await this.repo.byId(body.intoId) : undefined;
      if (into) authorizeObject(ctx.principal, 'incident:dispatch', `incident ${body.intoId}`, into.gridCode);
    }
    if (body.action === 'dispatch' && body.unitIds) this.checkUnits(ctx.principal, await this.repo.unitsOf(body.unitIds));
    if (body.action === 'rate') throw new HttpError(409, ErrorCode.IncidentIllegal, 'rate: only the citizen rates, on the report page (POST /api/v1/public/reports/:code/rating)');
    const at = new Date(this.clock.now());
    const who = { actorId: ctx.principal.id, actorName: ctx.displayName || ctx.name };
    const res = await this.write(id, body.version, guard, async (row, tx) => {
      const actor = this.actorFor(ctx, row);
      const unitId = actor === 'unit' || actor === 'grid_worker' ? (ctx.user?.unitId ?? undefined) : undefined;
      if (body.action === 'dispatch' && body.unitIds) await this.checkDispatchable(ctx.principal, body.unitIds, row.id, tx);
      return this.applyAction(row, { action: body.action, actor, actorId: who.actorId, at: at.toISOString(), note: body.note, unitIds: body.unitIds, unitId, intoId: body.intoId }, who.actorName, tx);
    });
    await this.audit.record({ actor: actorOf(ctx), actorName: ctx.name, action: `incident.${body.action}`, target: `incident:${id}`, address: meta.address, outcome: 'ok', details: { from: res.before.status, to: res.row.status, version: res.row.version, units: body.unitIds, into: body.intoId } });
    await this.afterWrite(res);
    return this.detailOf(ctx, res.row);
  }

  /** Attach an alarm (a merge candidate) to an incident: one more source on its timeline. */
  async attachAlarm(ctx: AuthContext, id: string, alarmId: string, version: number, meta: RequestMeta): Promise<IncidentDetail> {
    authorize(ctx.principal, 'incident:dispatch');
    // The incident, then the alarm, in scope before anything else (the version included).
    const guard = (row: IncidentRow) => authorizeObject(ctx.principal, 'incident:dispatch', `incident ${id}`, row.gridCode);
    await this.found(id, guard);
    const alarm = isId(alarmId) ? await this.alarmsRepo.byId(alarmId) : undefined;
    if (!alarm) throw new HttpError(404, ErrorCode.AlarmNotFound, `no alarm with id ${JSON.stringify(alarmId)}`);
    authorizeObject(ctx.principal, 'incident:dispatch', `alarm ${alarmId}`, alarm.gridCode);
    const at = new Date(this.clock.now());
    const res = await this.write(id, version, guard, async (row, tx) => {
      if (!OPEN.has(row.status)) throw new HttpError(409, ErrorCode.IncidentIllegal, `attach: the incident is ${row.status}`);
      const other = await this.repo.byAlarm(alarm.id, tx);
      if (other) throw new HttpError(409, ErrorCode.IncidentIllegal, `attach: the alarm belongs to ${this.canSee(ctx, other) ? `incident ${other.code}` : 'another incident'} already`);
      const changed = await this.alarmsRepo.linkIncident(tx, [alarm.id], row.id, { by: ctx.name, at }, at);
      return {
        set: { updatedAt: at },
        timeline: [{ at, action: 'attach_alarm', fromStatus: row.status, toStatus: row.status, actor: 'centre', actorId: ctx.principal.id, actorName: ctx.displayName || ctx.name, note: null, details: { alarm: alarm.id } }],
        sources: [{ kind: 'alarm', ref: alarm.id, at: alarm.createdAt, summary: `${alarm.ruleName} (${alarm.eventType})` }],
        alarms: changed,
      };
    });
    await this.audit.record({ actor: actorOf(ctx), actorName: ctx.name, action: 'incident.attach-alarm', target: `incident:${id}`, address: meta.address, outcome: 'ok', details: { alarm: alarm.id } });
    await this.afterWrite(res);
    return this.detailOf(ctx, res.row);
  }

  /** A mediation record of a dispute; the risk is scored again (high: escalated and supervised). */
  async mediate(ctx: AuthContext, id: string, body: MediationBody, meta: RequestMeta): Promise<IncidentDetail> {
    authorize(ctx.principal, 'incident:dispatch');
    const guard = (row: IncidentRow) => authorizeObject(ctx.principal, 'incident:dispatch', `incident ${id}`, row.gridCode);
    await this.found(id, guard);
    const at = new Date(this.clock.now());
    const res = await this.write(id, body.version, guard, async (row, tx) => {
      if (!row.dispute) throw new HttpError(409, ErrorCode.IncidentIllegal, `mediation: incident ${row.code} is not a dispute`);
      if (!OPEN.has(row.status)) throw new HttpError(409, ErrorCode.IncidentIllegal, `mediation: the incident is ${row.status}`);
      const d: DisputeJson = {
        ...row.dispute,
        channel: body.channel,
        outcome: body.outcome,
        mediations: [...row.dispute.mediations, { at: at.toISOString(), channel: body.channel, mediator: body.mediator, note: body.note, outcome: body.outcome, by: ctx.displayName || ctx.name }],
      };
      const change: Change = {
        set: { updatedAt: at },
        timeline: [{ at, action: 'mediation', fromStatus: row.status, toStatus: row.status, actor: 'centre', actorId: ctx.principal.id, actorName: ctx.displayName || ctx.name, note: body.note || null, details: { channel: body.channel, outcome: body.outcome, mediator: body.mediator } }],
      };
      await this.rescore(row, d, change, at, tx);
      return change;
    });
    await this.audit.record({ actor: actorOf(ctx), actorName: ctx.name, action: 'incident.mediation', target: `incident:${id}`, address: meta.address, outcome: 'ok', details: { channel: body.channel, outcome: body.outcome, risk: res.row.dispute?.risk.level } });
    await this.afterWrite(res);
    return this.detailOf(ctx, res.row);
  }

  /** Score a dispute again; a newly high one is escalated and supervised (民转刑 early warning). */
  private async rescore(row: IncidentRow, d: DisputeJson, change: Change, at: Date, tx: Db): Promise<void> {
    const escalations = change.set.escalations ?? row.escalations;
    d.risk = await this.riskOf(row.id, row.category, d.parties, [row.lon, row.lat], row.description, d, escalations, at, tx);
    if (d.risk.level === 'high' && !d.supervised) {
      d.supervised = true;
      change.set.flagged = true;
      if (escalations < row.maxEscalations) change.set.escalations = escalations + 1;
      change.timeline.push(highRiskEntry(row.id, at, d.risk.score));
    }
    change.set.dispute = d;
  }

  private async riskOf(id: string, category: string, parties: DisputeJson['parties'], p: LonLat, description: string, d: DisputeJson, escalations: number, at: Date, tx: Db) {
    const year = new Date(at.getTime() - 365 * 86_400_000);
    const rec = await this.repo.disputeRecurrence(id, parties, p[0], p[1], 100 / 111_320 / Math.cos((p[1] * Math.PI) / 180), 100 / 110_540, year, tx);
    return disputeRisk({
      category,
      sameParties: rec.sameParties,
      sameAddress: rec.sameAddress,
      failedMediations: d.mediations.filter((m) => m.outcome === 'failed').length,
      escalations,
      text: [description, ...d.mediations.map((m) => m.note)].join('\n'),
    });
  }

  /**
   * The state machine's answer and its consequences, as a change to write (throws 409 when refused).
   */
  private async applyAction(row: IncidentRow, input: ActionInput, actorName: string, tx: Db): Promise<Change & { merged?: IncidentRow }> {
    const r = transition(stateOf(row), input);
    if (!r.ok) throw new HttpError(409, ErrorCode.IncidentIllegal, r.reason);
    const at = new Date(input.at);
    const iso = input.at;
    const set: Partial<NewIncident> = { status: r.next.status, escalations: r.next.escalations, updatedAt: at };
    let assignments = row.assignments.map((a) => ({ ...a }));
    const change: Change & { merged?: IncidentRow } = {
      set,
      timeline: [{ at, action: input.action, fromStatus: row.status, toStatus: r.next.status, actor: input.actor, actorId: input.actorId, actorName, note: r.record.note, details: input.unitIds ? { units: input.unitIds } : input.intoId ? { into: input.intoId } : null }],
    };
    const mine = (a: AssignmentJson) => a.unitId === input.unitId && (a.status === 'assigned' || a.status === 'accepted' || a.status === 'arrived');
    switch (input.action) {
      case 'dispatch': {
        const units = this.units;
        for (const id of input.unitIds ?? []) {
          const u = units.get(id)!;
          assignments.push({ unitId: id, callsign: u.callsign, kind: u.kind, status: 'assigned', assignedAt: iso, respondedAt: null });
        }
        change.busy = [...(input.unitIds ?? [])];
        if (row.status === 'accepted') {
          set.dispatchedAt = at;
          set.firstDispatchedAt = row.firstDispatchedAt ?? at;
        }
        break;
      }
      case 'unit_accept':
        assignments = assignments.map((a) => (mine(a) && a.status === 'assigned' ? { ...a, status: 'accepted', respondedAt: iso } : a));
        if (row.status === 'dispatched') set.unitAcceptedAt = at;
        break;
      case 'unit_decline':
        assignments = assignments.map((a) => (mine(a) ? { ...a, status: 'declined', respondedAt: iso } : a));
        change.free = [input.unitId!];
        break;
      case 'arrive':
        assignments = assignments.map((a) => (mine(a) ? { ...a, status: 'arrived', respondedAt: iso } : a));
        if (row.status !== 'on_scene') set.arrivedAt = at;
        break;
      case 'resolve':
        set.resolvedAt = at;
        change.free = activeUnits(assignments);
        assignments = assignments.map((a) => (activeUnits([a]).length ? { ...a, status: 'released', respondedAt: a.respondedAt ?? iso } : a));
        break;
      case 'reject':
        // Not done: back to the centre, which dispatches again; the stage clocks after dispatch restart then.
        set.resolvedAt = null;
        set.unitAcceptedAt = null;
        set.arrivedAt = null;
        set.dispatchedAt = null;
        break;
      case 'verify':
        // No citizen to rate it (not a citizen's report): the loop closes now.
        if (!row.trackingCode) {
          set.status = 'closed';
          set.closedAt = at;
          change.timeline.push({ at, action: 'close', fromStatus: 'verified', toStatus: 'closed', actor: 'system', actorId: 'hub', actorName: 'system', note: 'no citizen rating to wait for', details: null });
        }
        break;
      case 'close':
        set.closedAt = at;
        break;
      case 'merge': {
        if (input.intoId === row.id) throw new HttpError(409, ErrorCode.IncidentIllegal, 'merge: an incident cannot be merged into itself');
        const into = isId(input.intoId!) ? await this.repo.byId(input.intoId!, tx, true) : undefined;
        if (!into) throw new HttpError(409, ErrorCode.IncidentIllegal, `merge: no incident with id ${JSON.stringify(input.intoId)}`);
        if (!OPEN.has(into.status)) throw new HttpError(409, ErrorCode.IncidentIllegal, `merge: incident ${into.code} is ${into.status}; merge into an open one`);
        set.mergedInto = into.id;
        set.closedAt = at;
        change.free = activeUnits(assignments);
        assignments = assignments.map((a) => (activeUnits([a]).length ? { ...a, status: 'released' } : a));
        const sources = await this.repo.sources(row.id, tx);
        const merged = await this.repo.update(into.id, into.version, { mergedFrom: [...into.mergedFrom, row.id, ...row.mergedFrom], updatedAt: at, priority: Math.min(into.priority, row.priority) }, tx);
        await this.repo.addSources([...sources.map((s) => ({ ...s, incidentId: into.id })), { incidentId: into.id, kind: 'incident', ref: row.id, at: row.createdAt, summary: `${row.code} ${row.title}` }], tx);
        await this.repo.addTimeline([{ incidentId: into.id, at, action: 'merged_in', fromStatus: into.status, toStatus: into.status, actor: input.actor, actorId: input.actorId, actorName, note: r.record.note, details: { from: row.id, code: row.code } }], tx);
        change.merged = merged;
        break;
      }
      case 'cancel':
        set.closedAt = at;
        change.free = activeUnits(assignments);
        assignments = assignments.map((a) => (activeUnits([a]).length ? { ...a, status: 'released' } : a));
        break;
      case 'escalate':
      case 'accept':
      case 'rate':
        break;
    }
    set.assignments = assignments;
    if (row.dispute && input.action === 'escalate') {
      await this.rescore(row, { ...row.dispute }, change, at, tx);
    }
    return change;
  }

  /**
   * A unit lies in its home region (policy.ts): a district dispatches only the units homed in it; a
   * unit homed at the city level, or in another district, only a city-wide scope.
   */
  private checkUnits(who: Principal, rows: readonly UnitRow[]): void {
    for (const u of rows) authorizeObject(who, 'incident:dispatch', `unit ${u.id}`, u.homeRegionCode);
  }

  private async checkDispatchable(who: Principal, unitIds: readonly string[], incidentId: string, tx: Db): Promise<void> {
    const rows = await this.repo.unitsByIds(unitIds, tx);
    this.checkUnits(who, rows);
    const found = new Map(rows.map((u) => [u.id, u]));
    const missing = unitIds.filter((u) => !found.has(u));
    if (missing.length) throw new HttpError(400, ErrorCode.UnitNotFound, `body.unitIds: no unit ${missing.map((m) => JSON.stringify(m)).join(', ')}`);
    for (const u of rows) {
      if (u.status === 'offline') throw new HttpError(409, ErrorCode.UnitUnavailable, `unit ${u.callsign} (${u.id}) is offline`);
      if (u.status === 'busy' && u.incidentId !== incidentId) throw new HttpError(409, ErrorCode.UnitUnavailable, `unit ${u.callsign} (${u.id}) is busy${u.incidentId ? ' with another incident' : ''}`);
    }
    this.units.apply(rows);
  }

  /**
   * Read FOR UPDATE, check it against the caller (`guard`, before anything else: the stale 409 below
   * carries the incident, so it is reached only by whoever may see it), check the version, compute
   * the change, write it (with the next rev), the timeline, sources and units; the SLA deadline
   * follows the new stage times.
   */
  private async write(
    id: string,
    version: number | undefined,
    guard: ((row: IncidentRow) => void) | null,
    compute: (row: IncidentRow, tx: Db) => Promise<Change & { merged?: IncidentRow; alarms?: AlarmRow[] }>,
  ) {
    const policy = await this.slaPolicy();
    return this.transact(async (tx) => {
      const before = await this.repo.byId(id, tx, true);
      if (!before) throw new HttpError(404, ErrorCode.IncidentNotFound, `no incident with id ${JSON.stringify(id)}`);
      guard?.(before);
      if (version !== undefined && before.version !== version) {
        throw new HttpError(409, ErrorCode.IncidentStale, `incident ${before.code} was changed by someone else (version ${before.version}, you sent ${version}): here is its current state`, {
          incident: toView(before, policy, this.clock.now()),
        });
      }
      const change = await compute(before, tx);
      const next: IncidentRow = { ...before, ...change.set };
      change.set.dueAt = dueDate(nextDue(timesOf(next), stageMinutes(policy, next.category, next.priority), next.breaches as SlaStage[], !OPEN.has(next.status) || next.status === 'resolved' || next.status === 'verified' || next.status === 'rated'));
      const row = await this.repo.update(before.id, before.version, change.set, tx);
      if (!row) throw new Error('incident row vanished under its lock');
      await this.repo.addTimeline(change.timeline.map((t) => ({ ...t, incidentId: row.id })), tx);
      if (change.sources?.length) await this.repo.addSources(change.sources.map((s) => ({ ...s, incidentId: row.id })), tx);
      const units: UnitRow[] = [];
      if (change.busy?.length) units.push(...(await this.repo.setUnits(change.busy, { status: 'busy', incidentId: row.id }, tx)));
      if (change.free?.length) units.push(...(await this.repo.setUnits(change.free, { status: 'available', incidentId: null }, tx)));
      return { before, row, merged: change.merged, units, alarms: change.alarms ?? [] };
    });
  }

  private async afterWrite(res: { row: IncidentRow; merged?: IncidentRow; units: UnitRow[]; alarms: AlarmRow[] }): Promise<void> {
    this.units.apply(res.units, true);
    this.sinks.publishUnits(res.units.map((u) => ({ regionCode: u.homeRegionCode, live: unitLive(u) })));
    const sent = res.units.filter((u) => u.status === 'busy' && u.incidentId === res.row.id).map((u) => u.id);
    if (sent.length) this.onUnitsSent?.(sent, [res.row.lon, res.row.lat]);
    if (res.alarms.length) this.alarms.published(res.alarms);
    await this.published(res.merged ? [res.row, res.merged] : [res.row]);
  }

  /** After commit: push to the screens of the incidents' regions. */
  async published(rows: readonly IncidentRow[]): Promise<IncidentView[]> {
    if (rows.length === 0) return [];
    const views = await this.views(rows);
    this.sinks.publish(views);
    return views;
  }

  /**
   * Who the principal is to this incident: the centre, a unit assigned to it, or the grid worker who
   * verifies. Reads the unit index as it is (callers refresh it before opening a transaction: on
   * PGlite's single connection a read outside the transaction would wait for it forever).
   */
  private actorFor(ctx: AuthContext, row: IncidentRow): IncidentActor {
    const role = ctx.principal.role;
    if (role === 'dispatcher' || role === 'commander') {
      authorizeObject(ctx.principal, 'incident:dispatch', `incident ${row.id}`, row.gridCode);
      return 'centre';
    }
    if (role === 'field') {
      authorize(ctx.principal, 'incident:field');
      const unitId = ctx.user?.unitId;
      if (!unitId) throw new HttpError(403, ErrorCode.AuthForbidden, 'this field account has no unit');
      const unit = this.units.get(unitId);
      // A grid worker verifies what lies in their street, but never work their own unit did.
      const workedOnIt = row.assignments.some((a) => a.unitId === unitId && a.status !== 'declined');
      if (unit?.kind === 'grid_worker' && !workedOnIt && inReach(unit, row.gridCode)) return 'grid_worker';
      // A unit acts on its own assignments only (the machine checks accept, decline and arrive by
      // unit; resolving someone else's work must not pass as the unit's).
      if (!workedOnIt) throw new HttpError(403, ErrorCode.AuthForbidden, `incident ${row.id} is not assigned to unit ${unitId}`);
      return 'unit';
    }
    throw new HttpError(403, ErrorCode.AuthForbidden, `role ${role} may not act on incidents`);
  }

  /** Where an incident is (for the simulator's units on their way). */
  async incidentPosition(id: string): Promise<LonLat | null> {
    const row = isId(id) ? await this.repo.byId(id) : undefined;
    return row ? [row.lon, row.lat] : null;
  }

  // ------------------------------------------------------------------ proposals

  /** The nearest available units (distance, ETA), the department responsible and its crews, nearby cameras. */
  async proposal(ctx: AuthContext, id: string): Promise<DispatchProposal> {
    const row = await this.readable(ctx, id);
    return this.proposeFor(row.category as RiskCategory, row.lon, row.lat, row.assignments.map((a) => a.unitId), ctx.principal);
  }

  /** For `principal` (omitted: the whole city), only the units and cameras of its scope (policy.ts). */
  async proposeFor(category: RiskCategory, lon: number, lat: number, exclude: readonly string[] = [], principal?: Principal): Promise<DispatchProposal> {
    const info = CATEGORIES[category];
    const units = await this.units.fresh();
    const skip = new Set(exclude);
    const prefix = principal ? scopeFilter(principal.scope) : '';
    // A scoped caller's nearest units are found among every unit and filtered: a few hundred rows.
    const more = (n: number) => (prefix ? Number.MAX_SAFE_INTEGER : n + skip.size);
    const pick = (list: ReturnType<UnitIndex['nearest']>) => list.filter((u) => !skip.has(u.unitId) && (units.get(u.unitId)?.homeRegionCode.startsWith(prefix) ?? false));
    return {
      department: info.department,
      units: pick(units.nearest(lon, lat, { kinds: info.unitKinds, count: more(PROPOSAL_UNITS), maxM: PROPOSAL_RADIUS_M })).slice(0, PROPOSAL_UNITS),
      departmentUnits: pick(units.nearest(lon, lat, { kinds: ['department'], department: info.department, count: more(3), maxM: PROPOSAL_RADIUS_M * 2 })).slice(0, 3),
      cameraIds: await this.camerasNear([lon, lat], prefix),
    };
  }

  /** The nearest cameras of a point inside a region prefix ('' the whole city). */
  private async camerasNear(p: LonLat, prefix: string): Promise<string[]> {
    if (!prefix) return this.locator.cameras(p, PROPOSAL_CAMERAS);
    const near = await this.locator.cameras(p, PROPOSAL_CAMERAS * 4);
    const grids = new Map((await this.repo.cameraGrids(near)).map((c) => [c.id, c.gridCode]));
    return near.filter((c) => grids.get(c)?.startsWith(prefix)).slice(0, PROPOSAL_CAMERAS);
  }

  /** Open, unresolved incidents and open alarms near this one in place and time, of a compatible category. */
  async mergeCandidates(ctx: AuthContext, id: string): Promise<MergeCandidate[]> {
    const row = await this.readable(ctx, id);
    const dLat = MERGE_RADIUS_M / 110_540;
    const dLon = MERGE_RADIUS_M / (111_320 * Math.cos((row.lat * Math.PI) / 180));
    const t = row.createdAt.getTime();
    const from = new Date(t - MERGE_WINDOW_MIN * 60_000);
    const to = new Date(t + MERGE_WINDOW_MIN * 60_000);
    const out: MergeCandidate[] = [];
    // Only what the caller may see: another district's incidents and alarms are never proposed.
    for (const o of await this.repo.nearbyOpen(row.lon, row.lat, dLon, dLat, from, to, scopeFilter(ctx.principal.scope))) {
      if (o.id === row.id || !compatibleCategories(row.category as RiskCategory, o.category as RiskCategory)) continue;
      const d = distanceM(row.lon, row.lat, o.lon, o.lat);
      if (d > MERGE_RADIUS_M) continue;
      out.push({ kind: 'incident', id: o.id, version: o.version, code: o.code, category: o.category, title: o.title, distanceM: Math.round(d), minutesApart: Math.round(Math.abs(o.createdAt.getTime() - t) / 60_000), at: o.createdAt.toISOString() });
    }
    for (const a of await this.alarmsRepo.nearbyOpen(row.lon, row.lat, dLon, dLat, from, to)) {
      if (!sees(ctx.principal, a.gridCode)) continue;
      const category = categoryOfEvent(a.eventType as never);
      if (!compatibleCategories(row.category as RiskCategory, category)) continue;
      const d = distanceM(row.lon, row.lat, a.lon, a.lat);
      if (d > MERGE_RADIUS_M) continue;
      out.push({ kind: 'alarm', id: a.id, version: a.rev, code: a.ruleId, category, title: a.zoneName ? `${a.ruleName} · ${a.zoneName}` : a.ruleName, distanceM: Math.round(d), minutesApart: Math.round(Math.abs(a.createdAt.getTime() - t) / 60_000), at: a.createdAt.toISOString() });
    }
    return out.sort((a, b) => a.distanceM - b.distanceM || a.minutesApart - b.minutesApart);
  }

  // ------------------------------------------------------------------ field units

  async fieldHome(ctx: AuthContext): Promise<FieldHome> {
    authorize(ctx.principal, 'incident:field');
    const unit = await this.unitOf(ctx);
    const rows = await this.repo.list({ prefix: '', statuses: 'open', unitId: unit.id, sort: 'priority', limit: 50 });
    const mine = rows.filter((r) => activeUnits(r.assignments).includes(unit.id));
    // A grid worker also verifies what was resolved in their reach (网格验收), not their own work.
    if (unit.kind === 'grid_worker') {
      const have = new Set(mine.map((r) => r.id));
      for (const r of await this.repo.list({ prefix: reachOf(unit), statuses: ['resolved'], sort: 'priority', limit: 50 })) {
        if (!have.has(r.id) && this.actorFor(ctx, r) === 'grid_worker') mine.push(r);
      }
    }
    const views = await this.views(mine);
    return {
      unit: { id: unit.id, callsign: unit.callsign, kind: unit.kind, status: unit.status, position: [unit.lon, unit.lat] },
      assignments: views.map((v, i) => ({ incident: v, actions: actionsFor(mine[i]!, this.actorFor(ctx, mine[i]!), unit.id) })),
    };
  }

  /** A unit's position (browser geolocation, or the simulator): stored, and pushed to the map. */
  async position(ctx: AuthContext, body: PositionBody): Promise<void> {
    authorize(ctx.principal, 'incident:field');
    const unit = await this.unitOf(ctx);
    const row = await this.repo.moveUnit(unit.id, round6(body.lon), round6(body.lat));
    if (!row) return;
    this.reportingUnits.add(row.id);
    this.units.apply([row], true);
    this.sinks.publishUnits([{ regionCode: row.homeRegionCode, live: unitLive(row) }]);
  }

  /** The simulator's moves of demo units (not those whose phones report): stored, indexed, pushed. */
  async moveUnits(moves: readonly { id: string; position: readonly [number, number] }[]): Promise<void> {
    const rows = await this.repo.moveUnits(moves.filter((m) => !this.reportingUnits.has(m.id)));
    this.units.apply(rows, true);
    this.sinks.publishUnits(rows.map((r) => ({ regionCode: r.homeRegionCode, live: unitLive(r) })));
  }

  /** Live units in the principal's scope (by home region). */
  async liveUnits(principal: Principal): Promise<UnitLive[]> {
    authorize(principal, 'world:read');
    const prefix = scopeFilter(principal.scope);
    return [...(await this.units.fresh()).all()].filter((u) => u.homeRegionCode.startsWith(prefix)).map(unitLive);
  }

  private async unitOf(ctx: AuthContext): Promise<UnitRow> {
    const unitId = ctx.user?.unitId;
    const unit = unitId ? (await this.units.fresh()).get(unitId) : undefined;
    if (!unit) throw new HttpError(403, ErrorCode.AuthForbidden, 'this account belongs to no field unit');
    return unit;
  }

  // ------------------------------------------------------------------ citizens

  async citizenReport(body: CitizenReportBody, meta: RequestMeta): Promise<{ trackingCode: string; code: string }> {
    let position: LonLat;
    if (body.location) position = [round6(body.location.lon), round6(body.location.lat)];
    else {
      const center = await this.locator.regionCenter(body.regionCode!);
      if (!center) throw new HttpError(400, ErrorCode.RegionNotFound, `body.regionCode: no region ${JSON.stringify(body.regionCode)}`);
      position = center;
    }
    const gridCode = await this.locator.locate(position);
    if (!gridCode) throw new HttpError(400, ErrorCode.RequestInvalid, `body.location: (${position[0]}, ${position[1]}) lies outside the city (no grid contains it)`);
    const photoIds = await this.checkPhotos(body.photoIds ?? []);
    const trackingCode = newTrackingCode();
    await this.slaPolicy();
    const now = new Date(this.clock.now());
    const info = CATEGORIES[body.category];
    const row = await this.transact((tx) =>
      this.insert(
        {
          category: body.category,
          priority: 3,
          title: `${info.zh}（群众上报）`,
          description: body.description,
          source: 'citizen',
          externalId: null,
          trackingCode,
          reporter: body.contact ?? null,
          gridCode,
          position,
          address: body.address,
          parties: body.parties,
          photoIds,
          createdAt: now,
        },
        { actor: 'citizen', actorId: trackingCode, actorName: body.contact?.name || 'citizen', note: body.regionCode ? `QR code of ${body.regionCode}` : null },
        [{ kind: 'report', ref: trackingCode, at: now, summary: `citizen report${body.regionCode ? ` (QR ${body.regionCode})` : ''}` }],
        tx,
      ),
    );
    await this.audit.record({ actor: 'citizen', actorName: 'citizen', action: 'incident.citizen-report', target: `incident:${row.id}`, address: meta.address, outcome: 'ok', details: { code: row.code, category: row.category, grid: row.gridCode } });
    await this.published([row]);
    return { trackingCode, code: row.code };
  }

  async citizenStatus(trackingCode: string): Promise<CitizenStatus> {
    const row = await this.byTracking(trackingCode);
    const steps = await this.repo.timeline([row.id]);
    return {
      trackingCode: row.trackingCode!,
      code: row.code,
      category: row.category as RiskCategory,
      description: row.description,
      status: row.status,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      steps: steps.map((s) => ({ at: s.at.toISOString(), action: s.action, to: s.toStatus })),
      canRate: row.status === 'verified',
      rating: row.rating ? { score: row.rating, comment: row.ratingComment ?? '' } : null,
    };
  }

  /** The citizen's 1-5 rating (群众评单): rated, then closed. */
  async rate(trackingCode: string, body: RatingBody, meta: RequestMeta): Promise<CitizenStatus> {
    const found = await this.byTracking(trackingCode);
    const at = new Date(this.clock.now());
    const res = await this.write(found.id, undefined, null, async (row, tx) => {
      const change = await this.applyAction(row, { action: 'rate', actor: 'citizen', actorId: trackingCode, at: at.toISOString(), rating: body.score, note: body.comment || undefined }, 'citizen', tx);
      change.set.rating = body.score;
      change.set.ratingComment = body.comment;
      change.set.status = 'closed';
      change.set.closedAt = at;
      change.timeline.push({ at, action: 'close', fromStatus: 'rated', toStatus: 'closed', actor: 'system', actorId: 'hub', actorName: 'system', note: 'rated by the citizen', details: null });
      return change;
    });
    await this.audit.record({ actor: 'citizen', actorName: 'citizen', action: 'incident.rate', target: `incident:${found.id}`, address: meta.address, outcome: 'ok', details: { score: body.score } });
    await this.afterWrite(res);
    return this.citizenStatus(trackingCode);
  }

  private async byTracking(code: string): Promise<IncidentRow> {
    const normal = code.trim().toUpperCase();
    const row = /^[0-9A-Z-]{1,20}$/.test(normal) ? await this.repo.byTrackingCode(normal) : undefined;
    if (!row) throw new HttpError(404, ErrorCode.ReportNotFound, `no report with tracking code ${JSON.stringify(code)}`);
    return row;
  }

  private async checkPhotos(ids: readonly string[]): Promise<string[]> {
    const unique = [...new Set(ids.map((i) => i.toLowerCase()))];
    const found = new Set(await this.repo.existingPhotos(unique));
    const missing = unique.filter((i) => !found.has(i));
    if (missing.length) throw new HttpError(400, ErrorCode.PhotoNotFound, `body.photoIds: no photo ${missing.join(', ')} (upload it first with POST /photos)`);
    return unique;
  }

  // ------------------------------------------------------------------ SLA sweep

  /** Start the breach sweep every `everyMs` (0: never; tests call sweep()). */
  start(everyMs: number): void {
    if (everyMs <= 0) return;
    this.timer = setInterval(() => {
      this.sweep().catch((e: unknown) => this.log.warn({ err: e }, 'SLA sweep failed; will retry'));
    }, everyMs);
    this.timer.unref();
    void this.sweep().catch((e: unknown) => this.log.warn({ err: e }, 'SLA sweep failed; will retry'));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping?.catch(() => undefined);
  }

  /** One sweep: every deadline passed is a breach (flag, supervisor alarm, one level up); returns how many. */
  sweep(): Promise<number> {
    if (this.sweeping) return this.sweeping;
    const p = this.sweepOnce().finally(() => {
      this.sweeping = null;
    });
    this.sweeping = p;
    return p;
  }

  private async sweepOnce(): Promise<number> {
    const now = this.clock.now();
    const policy = await this.slaPolicy();
    const prepared = await this.alarms.prepare();
    let count = 0;
    for (const due of await this.repo.due(new Date(now), 500)) {
      // Judged again under the row lock: another hub's sweep may have handled it meanwhile.
      const res = await this.write(due.id, undefined, null, async (row, tx) => {
        const at = new Date(now);
        const fresh = dueBreaches(timesOf(row), stageMinutes(policy, row.category, row.priority), row.breaches as SlaStage[], now, !OPEN.has(row.status));
        const escalations = Math.min(row.maxEscalations, row.escalations + (fresh.length ? 1 : 0));
        const change: Change & { alarms?: AlarmRow[] } = {
          set: { breaches: [...row.breaches, ...fresh], flagged: row.flagged || fresh.length > 0, escalations, updatedAt: at },
          timeline: fresh.map((stage) => ({ at, action: 'sla_breach', fromStatus: row.status, toStatus: row.status, actor: 'system', actorId: 'hub', actorName: 'system', note: `${stage} deadline passed; escalated one level up`, details: { stage, escalations } })),
        };
        if (fresh.length) {
          const events: StoredEvent[] = fresh.map((stage) => ({
            id: `sla:${row.id}:${stage}`,
            // The hub's own source: never accepted from outside (ingest only takes EVENT_SOURCES).
            source: HUB_SOURCE as EventSource,
            type: 'sla_breach',
            at: at.toISOString(),
            location: { lon: row.lon, lat: row.lat },
            attributes: { incidentId: row.id, code: row.code, stage, title: row.title },
            gridCode: row.gridCode,
            lon: row.lon,
            lat: row.lat,
          }));
          await this.events.insertNew(events.map((e) => eventRow(e, at, null)), tx);
          const raised = await this.alarms.raiseDrafts(
            events.map((e) => ({ event: e, draft: { ruleId: 'sla-breach', ruleName: `超时督办 ${row.code}`, priority: Math.min(row.priority, 2) as 1 | 2, actions: [] } })),
            tx,
            prepared,
          );
          change.alarms = await this.alarmsRepo.linkIncident(tx, raised.map((a) => a.id), row.id, null, at);
          if (row.dispute) await this.rescore(row, { ...row.dispute }, change, at, tx);
        }
        return change;
      });
      count += res.row.breaches.length - res.before.breaches.length;
      await this.afterWrite(res);
    }
    // Verified citizen reports the citizen did not rate within the window close without a rating.
    for (const row of await this.repo.list({ prefix: '', statuses: ['verified'], sort: 'newest', limit: 200 })) {
      if (now - row.updatedAt.getTime() < RATING_WINDOW_MS) continue;
      const res = await this.write(row.id, undefined, null, (r, tx) => this.applyAction(r, { action: 'close', actor: 'system', actorId: 'hub', at: new Date(now).toISOString(), note: 'no rating within 72 h' }, 'system', tx));
      await this.afterWrite(res);
    }
    if (count) this.log.info({ breaches: count }, 'SLA sweep: deadlines passed, incidents flagged and escalated');
    return count;
  }
}

// ------------------------------------------------------------------ helpers

const OPEN: ReadonlySet<IncidentStatus> = new Set(['reported', 'accepted', 'dispatched', 'unit_accepted', 'on_scene', 'resolved', 'verified', 'rated']);

/**
 * What the principal may do now: the machine's allowed actions for its actor, and for a unit only
 * those its own assignment still needs (accepted already: no accept or decline; on scene: no arrive).
 */
function actionsFor(row: IncidentRow, actor: IncidentActor, unitId: string | null | undefined) {
  const all = allowedActions(stateOf(row), actor);
  if (actor !== 'unit' || !unitId) return all;
  const mine = row.assignments.find((a) => a.unitId === unitId && a.status !== 'declined' && a.status !== 'released');
  if (!mine) return all.filter((a) => a !== 'unit_accept' && a !== 'unit_decline' && a !== 'arrive');
  return all.filter((a) => {
    if (a === 'unit_accept' || a === 'unit_decline') return mine.status === 'assigned';
    if (a === 'arrive') return mine.status === 'accepted';
    return true;
  });
}

function stateOf(row: IncidentRow): IncidentState {
  return { status: row.status, units: activeUnits(row.assignments), escalations: row.escalations, maxEscalations: row.maxEscalations };
}

/** Units still on the incident (not declined, not released). */
function activeUnits(assignments: readonly AssignmentJson[]): string[] {
  return assignments.filter((a) => a.status === 'assigned' || a.status === 'accepted' || a.status === 'arrived').map((a) => a.unitId);
}

/** Where a grid worker verifies: their street (grids without a worker of their own are covered by the community's or the street's). */
function reachOf(unit: UnitRow): string {
  return unit.homeRegionCode.slice(0, 9);
}
function inReach(unit: UnitRow, gridCode: string): boolean {
  return gridCode.startsWith(reachOf(unit));
}

function timesOf(r: IncidentRow): StageTimes {
  const ms = (d: Date | null | undefined) => (d ? d.getTime() : null);
  return { createdAt: r.createdAt.getTime(), dispatchedAt: ms(r.dispatchedAt), firstDispatchedAt: ms(r.firstDispatchedAt), unitAcceptedAt: ms(r.unitAcceptedAt), arrivedAt: ms(r.arrivedAt), resolvedAt: ms(r.resolvedAt) };
}

const dueDate = (ms: number | null) => (ms === null ? null : new Date(ms));

function highRiskEntry(incidentId: string, at: Date, score: number): NewTimeline {
  return { incidentId, at, action: 'risk_high', fromStatus: null, toStatus: null, actor: 'system', actorId: 'hub', actorName: 'system', note: `risk score ${score}: high (民转刑 early warning); escalated and supervised`, details: { score } };
}

function levelCode(gridCode: string, escalations: number): string {
  const len = LEVELS[Math.min(escalations, LEVELS.length - 1)]!;
  return len === 4 ? `${gridCode.slice(0, 4)}00` : gridCode.slice(0, len);
}

export function toView(r: IncidentRow, policy: SlaPolicy, now: number): IncidentView {
  const iso = (d: number | null) => (d === null ? null : new Date(d).toISOString());
  const stopped = !OPEN.has(r.status) || r.status === 'resolved' || r.status === 'verified' || r.status === 'rated';
  return {
    id: r.id,
    code: r.code,
    rev: r.rev,
    version: r.version,
    kind: r.kind,
    category: r.category as RiskCategory,
    priority: r.priority,
    title: r.title,
    description: r.description,
    status: r.status,
    source: r.source,
    externalId: r.externalId,
    reporter: r.reporter,
    gridCode: r.gridCode,
    position: [r.lon, r.lat],
    address: r.address,
    department: r.department,
    assignments: r.assignments,
    escalations: r.escalations,
    maxEscalations: r.maxEscalations,
    levelCode: levelCode(r.gridCode, r.escalations),
    sla: slaClocks(timesOf(r), stageMinutes(policy, r.category, r.priority), now, stopped).map((c) => ({ stage: c.stage, state: c.state, startedAt: iso(c.startedAt), dueAt: iso(c.dueAt), endedAt: iso(c.endedAt) })),
    flagged: r.flagged,
    breaches: r.breaches as SlaStage[],
    mergedInto: r.mergedInto,
    mergedFrom: r.mergedFrom,
    rating: r.rating ? { score: r.rating, comment: r.ratingComment ?? '' } : null,
    photoIds: r.photoIds,
    dispute: r.dispute,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    closedAt: r.closedAt?.toISOString() ?? null,
  };
}

export function unitLive(u: UnitRow): UnitLive {
  return { id: u.id, callsign: u.callsign, kind: u.kind, status: u.status, position: [u.lon, u.lat], updatedAt: u.updatedAt.toISOString(), incidentId: u.incidentId };
}

function scopeFilter(scope: string): string {
  const p = scopePrefix(scope);
  return p.length > 4 ? p : '';
}

const isId = (s: string) => /^[0-9a-f-]{36}$/i.test(s);
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 12 random Crockford base32 characters (60 bits) in groups of four. */
export function newTrackingCode(): string {
  const b = randomBytes(12);
  let s = '';
  for (let i = 0; i < 12; i++) s += CROCKFORD[b[i]! & 31];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}

function encodeCursor(r: IncidentRow): string {
  return Buffer.from(JSON.stringify({ p: r.priority, d: r.dueAt?.toISOString() ?? null, c: r.createdAt.toISOString(), i: r.id })).toString('base64url');
}

function decodeCursor(s: string): { priority: number; dueAt: string | null; createdAt: string; id: string } {
  try {
    const o = JSON.parse(Buffer.from(s, 'base64url').toString()) as { p: unknown; d: unknown; c: unknown; i: unknown };
    if (typeof o.p === 'number' && (o.d === null || (typeof o.d === 'string' && !Number.isNaN(Date.parse(o.d)))) && typeof o.c === 'string' && !Number.isNaN(Date.parse(o.c)) && typeof o.i === 'string') {
      return { priority: o.p, dueAt: o.d, createdAt: o.c, id: o.i };
    }
  } catch {
    // fall through
  }
  throw new HttpError(400, ErrorCode.RequestInvalid, 'query.cursor: not a cursor this hub gave (pass nextCursor as it came)');
}
