/**
 * Alarms (issue 5): stored events run through the rules (server/rules) inside the same
 * transaction that stores them, so an event the hub accepted never lacks its alarm; after the
 * commit the alarms are announced as a domain event (the realtime gateway batches them per room)
 * and a fence alarm's loudspeaker is told what to say (MQTT `devices/speaker/<id>/say`, recorded
 * in the outbox with the alarm).
 * Screens catch up with `sync` (what changed since a rev, or a snapshot); dispatchers acknowledge
 * alarms or mark them false, inside their scope.
 */
import { randomUUID } from 'node:crypto';
import KDBush from 'kdbush';
import { around } from 'geokdbush';
import type { Logger } from 'pino';
import type { AlarmRepository, AlarmRow, NewAlarm } from '../repositories/alarm.repository';
import type { WorldRepository } from '../repositories/world.repository';
import type { Db } from '../db/connect';
import type { Clock } from '../core/clock';
import type { AuditService } from './audit.service';
import { actorOf, type AuthContext, type RequestMeta } from '../auth/context';
import type { StoredEvent } from './stored-event';
import type { Principal } from '../auth/policy';
import type { FeedSource } from './sync-page';
import type { OutboxRepository } from '../repositories/outbox.repository';
import type { DomainEvents } from './domain-events';
import { authorize, authorizeObject, scopeFilter } from '../auth/policy';
import { createZoneIndex } from '../rules/zone-index';
import { DEFAULT_RULES, evaluate, ruleSchema, type AlarmDraft, type Rule, type RuleWorld } from '../rules/rules';
import { HttpError } from '../core/http-errors';
import { syncPage } from './sync-page';
import { ErrorCode } from '@shared/errors';
import { scopePrefix } from '@shared/auth';
import { DELTA_MAX_BEHIND, DELTA_PAGE, SNAPSHOT_LIMIT, type AlarmSyncReply, type AlarmView } from '@shared/alarms';
import type { AlarmEventSource, EventType } from '@shared/ingest';
import type { LonLat, UnitKind } from '@shared/world';

/** How many of the nearest cameras an alarm brings up. */
const CAMERAS_PER_ALARM = 3;
const CAMERA_RADIUS_KM = 2;
/** How many of the nearest available responders an alarm proposes ('units'), and how far to look. */
const UNITS_PER_ALARM = 3;
const UNIT_RADIUS_KM = 10;
/** Grid, community, street: where grid workers are looked for, nearest region first (region code lengths). */
const GRID_WORKER_REACH = [15, 12, 9] as const;
/** Units that answer an alarm on the spot (a department crew is sent by dispatch, not proposed). */
const RESPONDER_KINDS: ReadonlySet<UnitKind> = new Set(['police', 'patrol_car', 'fire', 'medical']);

interface Surroundings {
  world: RuleWorld;
  cameras: { tree: KDBush; ids: string[] };
  speakers: { id: string; position: LonLat; railwayId: string }[];
  /** Available responders (RESPONDER_KINDS), for 'units'. */
  responders: { tree: KDBush; ids: string[] };
  /** Region code (a grid, its community, its street) → the grid workers' unit ids there, for 'grid_worker'. */
  gridWorkers: Map<string, string[]>;
}

export interface PreparedRules {
  surroundings: Surroundings;
  rules: Rule[];
}

export class AlarmService {
  private surroundings: Promise<Surroundings> | null = null;
  private rules: Promise<Rule[]> | null = null;

  constructor(
    private readonly repo: AlarmRepository,
    private readonly world: WorldRepository,
    private readonly audit: Pick<AuditService, 'record'>,
    /** Alarms that changed, and device commands recorded, are announced here after commit. */
    private readonly events: DomainEvents,
    /**
     * Where device commands are recorded, in the raising transaction (issue 13: exactly once per
     * alarm, delivered after commit by the outbox relay); null: not recorded (tools without a hub).
     */
    private readonly outbox: Pick<OutboxRepository, 'add'> | null,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** The demo city's default rules, once, on a database that has none. */
  async ensureRules(): Promise<void> {
    if ((await this.repo.rules()).length === 0) await this.repo.seedRules(DEFAULT_RULES);
  }

  /**
   * What raising alarms needs (the rules, the zone and device indexes), loaded before the caller
   * opens its transaction: on PGlite's single connection a read outside the transaction would
   * wait for the transaction, which waits for it.
   */
  async prepare(): Promise<PreparedRules> {
    const [surroundings, rules] = await Promise.all([this.surroundingsIndex(), this.ruleSet()]);
    return { surroundings, rules };
  }

  /** Raise the alarms of freshly stored events, inside the caller's transaction. */
  async raise(events: readonly StoredEvent[], tx: Db, prepared: PreparedRules): Promise<AlarmRow[]> {
    if (events.length === 0) return [];
    const { surroundings: s, rules } = prepared;
    const items: { event: StoredEvent; draft: AlarmDraft }[] = [];
    for (const e of events) {
      for (const d of evaluate(
        {
          type: e.type,
          at: e.at,
          position: [e.lon, e.lat],
          gridCode: e.gridCode,
          deviceId: e.deviceId,
          severity: e.severity,
        },
        rules,
        s.world,
      )) {
        items.push({ event: e, draft: d });
      }
    }
    return this.insertAlarms(items, tx, s);
  }

  /**
   * Raise alarms the caller decided on itself (time-driven rules: the absence sweep), for events it
   * stored, inside its transaction; the actions (grid workers, cameras, units) as for `raise`.
   * An (event, rule) that has its alarm already is skipped.
   */
  async raiseDrafts(
    items: readonly { event: StoredEvent; draft: AlarmDraft }[],
    tx: Db,
    prepared: PreparedRules,
  ): Promise<AlarmRow[]> {
    if (items.length === 0) return [];
    return this.insertAlarms(items, tx, prepared.surroundings);
  }

  private async insertAlarms(
    items: readonly { event: StoredEvent; draft: AlarmDraft }[],
    tx: Db,
    s: Surroundings,
  ): Promise<AlarmRow[]> {
    const now = new Date(this.clock.now());
    const rows: NewAlarm[] = [];
    for (const { event: e, draft: d } of items) {
      const position: LonLat = [e.lon, e.lat];
      const speaker = d.actions.includes('broadcast')
        ? nearestSpeaker(s.speakers, position, d.zone?.railwayId ?? null)
        : null;
      rows.push({
        id: randomUUID(),
        createdAt: now,
        updatedAt: now,
        eventSource: e.source,
        eventId: e.id,
        eventType: e.type,
        eventAt: new Date(e.at),
        ruleId: d.ruleId,
        ruleName: d.ruleName,
        priority: d.priority,
        status: 'new',
        gridCode: e.gridCode,
        lon: e.lon,
        lat: e.lat,
        zoneId: d.zone?.id ?? null,
        zoneName: d.zone?.name ?? null,
        actions: [...d.actions],
        cameraIds: d.actions.includes('cameras')
          ? nearest(s.cameras, position, CAMERAS_PER_ALARM, CAMERA_RADIUS_KM)
          : [],
        unitIds: [
          ...(d.actions.includes('grid_worker') ? gridWorkersFor(s.gridWorkers, e.gridCode) : []),
          ...(d.actions.includes('units') ? nearest(s.responders, position, UNITS_PER_ALARM, UNIT_RADIUS_KM) : []),
        ],
        speakerId: speaker?.id ?? null,
        say: speaker ? (d.say ?? null) : null,
      });
    }
    const inserted = await this.repo.insert(rows, tx);
    // A fence alarm's loudspeaker command belongs to the alarm's raising, once: recorded with it.
    const commands = inserted.filter((r) => r.speakerId && r.say);
    if (commands.length && this.outbox) {
      await this.outbox.add(
        commands.map((r) => ({
          kind: 'mqtt' as const,
          topic: `devices/speaker/${r.speakerId}/say`,
          payload: { text: r.say, alarmId: r.id, at: r.createdAt.toISOString() },
        })),
        now,
        tx,
      );
    }
    return inserted;
  }

  /** The `count` nearest cameras of a point (within 2 km). */
  async nearestCameras(p: LonLat, count: number): Promise<string[]> {
    return nearest((await this.surroundingsIndex()).cameras, p, count, CAMERA_RADIUS_KM);
  }

  /** After commit: announce the alarms (to the screens) and their recorded device commands (to the outbox relay); returns their views. */
  published(rows: readonly AlarmRow[]): AlarmView[] {
    if (rows.length === 0) return [];
    const views = rows.map(alarmView);
    this.events.emit('alarms', views);
    // Loudspeaker commands were recorded when the alarm was raised; a later change adds none.
    if (views.some((v) => v.broadcast && v.status === 'new')) this.events.emit('outboxed');
    return views;
  }

  /** Every region's committed changes in rev order, for the hub's rev feed (server/realtime/rev-feed.ts). */
  feedSource(): FeedSource<AlarmView> {
    return {
      read: async (after, limit) => (await this.repo.changedSince('', after, limit)).map(alarmView),
      maxRev: () => this.repo.maxRev(),
      rev: (v) => v.rev,
    };
  }

  /** What changed in the principal's scope since `since`, in pages, or a snapshot (sync-page.ts). */
  async sync(principal: Principal, since: number | null, page = DELTA_PAGE): Promise<AlarmSyncReply> {
    authorize(principal, 'alarm:read');
    const prefix = scopeFilter(principal.scope);
    const { rows, ...reply } = await syncPage(
      {
        maxRev: () => this.repo.maxRev(),
        changedSince: (after, limit) => this.repo.changedSince(prefix, after, limit),
        open: () => this.repo.open(prefix, SNAPSHOT_LIMIT),
      },
      since,
      page,
      DELTA_MAX_BEHIND,
    );
    return { ...reply, alarms: rows.map(alarmView) };
  }

  /** Acknowledge an alarm, or mark it false; in the handler's scope; audited; pushed to every screen. */
  async handle(
    ctx: AuthContext,
    id: string,
    action: 'acknowledge' | 'false_alarm',
    meta: RequestMeta,
  ): Promise<AlarmView> {
    authorize(ctx.principal, 'alarm:handle');
    const row = /^[0-9a-f-]{36}$/i.test(id) ? await this.repo.byId(id) : undefined;
    if (!row) throw new HttpError(404, ErrorCode.AlarmNotFound, `no alarm with id ${JSON.stringify(id)}`);
    // In scope before anything else of the alarm is looked at or told (its status in the 409 below).
    authorizeObject(ctx.principal, 'alarm:handle', `alarm ${id}`, row.gridCode);
    const from: AlarmRow['status'][] = action === 'acknowledge' ? ['new'] : ['new', 'acknowledged'];
    const to: AlarmRow['status'] = action === 'acknowledge' ? 'acknowledged' : 'false_alarm';
    const updated = await this.repo.setStatus(row.id, from, to, ctx.name, new Date(this.clock.now()));
    if (!updated)
      throw new HttpError(
        409,
        ErrorCode.RequestInvalid,
        `the alarm is ${row.status} already; it cannot be set to ${to}`,
      );
    await this.audit.record({
      actor: actorOf(ctx),
      actorName: ctx.name,
      action: `alarm.${action}`,
      target: `alarm:${row.id}`,
      address: meta.address,
      outcome: 'ok',
      details: { from: row.status, to, rule: row.ruleId, grid: row.gridCode },
    });
    return this.published([updated])[0]!;
  }

  /** The rules as stored (admins read and edit them). */
  async listRules(ctx: AuthContext): Promise<Rule[]> {
    authorize(ctx.principal, 'admin:manage');
    return this.loadRules();
  }

  /** Create or replace a rule; the next event is judged by it. City-wide admins only (rules apply city-wide). */
  async putRule(ctx: AuthContext, id: string, rule: Rule, meta: RequestMeta): Promise<Rule> {
    authorize(ctx.principal, 'admin:manage');
    if (scopePrefix(ctx.principal.scope).length > 4)
      throw new HttpError(
        403,
        ErrorCode.AuthForbidden,
        `rules apply to the whole city; scope ${ctx.principal.scope} is narrower`,
      );
    if (rule.id !== id)
      throw new HttpError(400, ErrorCode.RequestInvalid, `body.id: must be the id in the path (${id})`);
    const before = (await this.repo.rules()).find((r) => r.id === id)?.definition ?? null;
    await this.repo.putRule(id, rule);
    this.rules = null;
    await this.audit.record({
      actor: actorOf(ctx),
      actorName: ctx.name,
      action: before ? 'rule.update' : 'rule.create',
      target: `rule:${id}`,
      address: meta.address,
      outcome: 'ok',
      details: { before, after: rule },
    });
    return rule;
  }

  private ruleSet(): Promise<Rule[]> {
    const p = (this.rules ??= this.loadRules());
    p.catch(() => {
      if (this.rules === p) this.rules = null;
    });
    return p;
  }

  private async loadRules(): Promise<Rule[]> {
    const out: Rule[] = [];
    for (const r of await this.repo.rules()) {
      const parsed = ruleSchema.safeParse(r.definition);
      if (parsed.success) out.push(parsed.data);
      else
        this.log.error(
          { rule: r.id, error: parsed.error.issues[0]?.message },
          'a stored rule is not valid; it is skipped',
        );
    }
    return out;
  }

  private surroundingsIndex(): Promise<Surroundings> {
    const p = (this.surroundings ??= this.buildSurroundings());
    p.catch(() => {
      if (this.surroundings === p) this.surroundings = null;
    });
    return p;
  }

  private async buildSurroundings(): Promise<Surroundings> {
    const t0 = performance.now();
    const zones = (await this.world.zones()).map((z) => ({
      id: z.id,
      name: z.name,
      kind: z.kind,
      shape: z.shape,
      gridCode: z.gridCode,
      railwayId: z.railwayId,
    }));
    const facilityKinds = new Map((await this.world.facilities()).map((f) => [f.id, f.kind]));
    const cams = await this.world.cameras();
    const units = await this.world.units();
    const responders = units.filter((u) => u.status === 'available' && RESPONDER_KINDS.has(u.kind));
    const gridWorkers = new Map<string, string[]>();
    for (const u of units) {
      if (u.kind !== 'grid_worker' || u.status === 'offline') continue;
      for (const code of GRID_WORKER_REACH.map((len) => u.homeRegionCode.slice(0, len))) {
        const list = gridWorkers.get(code);
        if (list) list.push(u.id);
        else gridWorkers.set(code, [u.id]);
      }
    }
    const speakers = (await this.world.speakers()).map((s) => ({
      id: s.id,
      position: [s.lon, s.lat] as LonLat,
      railwayId: s.railwayId,
    }));
    this.log.info(
      {
        zones: zones.length,
        cameras: cams.length,
        speakers: speakers.length,
        responders: responders.length,
        ms: Math.round(performance.now() - t0),
      },
      'alarms: zone index and nearest-device indexes built',
    );
    return {
      world: { zones: createZoneIndex(zones), facilityKind: (id) => facilityKinds.get(id) },
      cameras: pointIndex(cams.map((c) => ({ id: c.id, lon: c.lon, lat: c.lat }))),
      speakers,
      responders: pointIndex(responders.map((u) => ({ id: u.id, lon: u.lon, lat: u.lat }))),
      gridWorkers,
    };
  }
}

/**
 * The grid workers for an alarm: those of its grid; a grid without one is covered by the workers
 * of its community, else of its street (most grids of the demo city have no worker of their own).
 */
function gridWorkersFor(byRegion: Map<string, string[]>, gridCode: string): string[] {
  for (const len of GRID_WORKER_REACH) {
    const ids = byRegion.get(gridCode.slice(0, len));
    if (ids) return ids.slice(0, UNITS_PER_ALARM);
  }
  return [];
}

function pointIndex(points: readonly { id: string; lon: number; lat: number }[]): { tree: KDBush; ids: string[] } {
  const tree = new KDBush(Math.max(1, points.length));
  for (const p of points) tree.add(p.lon, p.lat);
  if (points.length === 0) tree.add(0, 0);
  tree.finish();
  return { tree, ids: points.map((p) => p.id) };
}

/** Ids of the `count` nearest points within `km` (great-circle distance). */
function nearest(index: { tree: KDBush; ids: string[] }, p: LonLat, count: number, km: number): string[] {
  if (index.ids.length === 0) return [];
  return around(index.tree, p[0], p[1], count, km).map((i) => index.ids[i]!);
}

/** The nearest loudspeaker of the fence's railway (any railway's when it has none). */
function nearestSpeaker(
  speakers: Surroundings['speakers'],
  p: LonLat,
  railwayId: string | null,
): { id: string } | null {
  const candidates = railwayId ? speakers.filter((s) => s.railwayId === railwayId) : speakers;
  let best: { id: string } | null = null;
  let bestD = Infinity;
  for (const s of candidates.length ? candidates : speakers) {
    const dx = (s.position[0] - p[0]) * Math.cos((p[1] * Math.PI) / 180);
    const dy = s.position[1] - p[1];
    const d = dx * dx + dy * dy;
    if (d < bestD) {
      bestD = d;
      best = { id: s.id };
    }
  }
  return best;
}

export function alarmView(r: AlarmRow): AlarmView {
  return {
    id: r.id,
    rev: r.rev,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    event: {
      source: r.eventSource as AlarmEventSource,
      id: r.eventId,
      type: r.eventType as EventType,
      at: r.eventAt.toISOString(),
    },
    rule: { id: r.ruleId, name: r.ruleName },
    priority: r.priority,
    status: r.status,
    gridCode: r.gridCode,
    position: [r.lon, r.lat],
    zone: r.zoneId ? { id: r.zoneId, name: r.zoneName ?? '' } : null,
    actions: r.actions,
    cameraIds: r.cameraIds,
    unitIds: r.unitIds,
    broadcast: r.speakerId && r.say ? { speakerId: r.speakerId, say: r.say } : null,
    handledBy: r.handledBy,
    handledAt: r.handledAt?.toISOString() ?? null,
    incidentId: r.incidentId ?? null,
  };
}
