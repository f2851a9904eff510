/**
 * Alarms (issue 5): stored events run through the rules (server/rules) inside the same
 * transaction that stores them, so an event the hub accepted never lacks its alarm; after the
 * commit the alarms are announced as a domain event (the realtime gateway batches them per room)
 * and a fence alarm's loudspeaker is told what to say (MQTT `devices/speaker/<id>/say`, recorded
 * in the outbox with the alarm).
 * Screens catch up with `sync` (what changed since a rev, or a snapshot); dispatchers acknowledge
 * alarms or mark them false, inside their scope. Admins edit the rules. What an alarm looks around
 * at (zones, nearest devices and units) is in alarm-surroundings.ts, its view in alarm-view.ts.
 */
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
import { DEFAULT_RULES, evaluate, ruleSchema, upgradeRules, type AlarmDraft, type Rule } from '../rules/rules';
import { HttpError } from '../core/http-errors';
import { syncPage } from './sync-page';
import { planFolds } from './alarm-fold';
import { alarmRow, buildSurroundings, nearestCameras, type Surroundings } from './alarm-surroundings';
import { alarmView } from './alarm-view';
import { ErrorCode } from '@shared/errors';
import { scopePrefix } from '@shared/auth';
import { DELTA_MAX_BEHIND, DELTA_PAGE, SNAPSHOT_LIMIT, type AlarmSyncReply, type AlarmView } from '@shared/alarms';
import type { LonLat } from '@shared/world';
import type { Priority } from '@shared/rules';

export interface RaiseResult {
  /** New alarms (each may already hold repeats of the same batch). */
  raised: AlarmRow[];
  /** Open alarms that took repeats: no new alarm, no new incident, an updated popup. */
  folded: AlarmRow[];
}

export interface PreparedRules {
  surroundings: Surroundings;
  rules: Rule[];
}

/**
 * How long a hub judges events by the rules it loaded: an edit made through another hub sharing the
 * database applies here within this (through this hub at once).
 */
const RULES_TTL_MS = 5_000;
/** Alarms closed per statement of the expiry sweep. */
const EXPIRE_BATCH = 500;

/** Who raises an alarm's priority by where it lies (the major events, issue 17). */
export interface AlarmRaiser {
  raiseAt(lon: number, lat: number, now: number): { eventId: string; name: string } | null;
}
const NO_RAISE: AlarmRaiser = { raiseAt: () => null };

export class AlarmService {
  private surroundings: Promise<Surroundings> | null = null;
  /** The rules as last loaded, and when: another hub's edit is seen within RULES_TTL_MS. */
  private rules: { loadedAt: number; set: Promise<Rule[]> } | null = null;

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
    /** Open major events: an alarm inside one's perimeter is raised one priority (none by default). */
    private readonly raises: AlarmRaiser = NO_RAISE,
  ) {}

  /**
   * The demo city's default rules, once, on a database that has none; on one seeded with earlier
   * defaults, those nobody edited become the calibrated ones and new defaults are added (issue 15,
   * rules/default-rules.ts). An admin's edits are kept.
   */
  async ensureRules(): Promise<void> {
    const stored = await this.repo.rules();
    if (stored.length === 0) return this.repo.seedRules(DEFAULT_RULES);
    const put = upgradeRules(stored);
    for (const r of put) await this.repo.putRule(r.id, r);
    if (put.length === 0) return;
    this.rules = null;
    const ids = put.map((r) => r.id);
    await this.audit.record({
      actor: null,
      actorName: 'system',
      action: 'rule.default-update',
      outcome: 'ok',
      details: { rules: ids },
    });
    this.log.info({ rules: ids }, 'alarm rules: unedited defaults brought up to date');
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

  /**
   * Raise the alarms of freshly stored events, inside the caller's transaction: `raised` the new
   * ones, `folded` the open alarms that took repeats instead (flood control, alarm-fold.ts).
   */
  async raise(events: readonly StoredEvent[], tx: Db, prepared: PreparedRules): Promise<RaiseResult> {
    if (events.length === 0) return { raised: [], folded: [] };
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
    if (items.length === 0) return { raised: [], folded: [] };
    const now = new Date(this.clock.now());
    const fresh = items.map(({ event, draft }) => ({
      row: alarmRow(event, this.raised(event, draft, now.getTime()), s, now),
      foldMs: draft.foldMs ?? 0,
    }));
    const keys = fresh.flatMap(({ row, foldMs }) =>
      row.foldKey && foldMs > 0 ? [{ ruleId: row.ruleId, foldKey: row.foldKey }] : [],
    );
    // Under the rev lock before reading: another hub's alarm of the same key commits before or after, never beside.
    if (keys.length) await this.repo.lock(tx);
    const plan = planFolds(fresh, await this.repo.foldTargets(keys, tx));
    const raised = await this.insertRows(plan.insert, tx, now);
    const folded = await this.repo.applyFolds(plan.fold, now, tx);
    return { raised, folded };
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
    return this.insertRows(
      items.map(({ event, draft }) => alarmRow(event, this.raised(event, draft, now.getTime()), s, now)),
      tx,
      now,
    );
  }

  /** The draft one priority higher if it lies inside an open major event's perimeter (priority 1 stays). */
  private raised(event: StoredEvent, draft: AlarmDraft, now: number): AlarmDraft {
    if (draft.priority <= 1) return draft;
    const by = this.raises.raiseAt(event.lon, event.lat, now);
    if (!by) return draft;
    return { ...draft, priority: (draft.priority - 1) as Priority, raise: { ...by, from: draft.priority } };
  }

  private async insertRows(rows: NewAlarm[], tx: Db, now: Date): Promise<AlarmRow[]> {
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

  /**
   * Close the unhandled alarms whose rule's expiry passed (status `expired`, by 'system'); one
   * audit record per sweep; pushed like any change. The scheduler runs it every minute.
   */
  async expire(): Promise<number> {
    const now = new Date(this.clock.now());
    let total = 0;
    for (;;) {
      const rows = await this.repo.expireDue(now, EXPIRE_BATCH);
      if (rows.length === 0) break;
      total += rows.length;
      await this.audit.record({
        actor: 'system',
        actorName: 'system',
        action: 'alarm.expire',
        target: `alarms:${rows.length}`,
        address: null,
        outcome: 'ok',
        details: { ids: rows.map((r) => r.id), rules: [...new Set(rows.map((r) => r.ruleId))] },
      });
      this.published(rows);
      if (rows.length < EXPIRE_BATCH) break;
    }
    if (total) this.log.info({ expired: total }, 'unhandled alarms expired');
    return total;
  }

  /** The `count` nearest cameras of a point (within 2 km). */
  async nearestCameras(p: LonLat, count: number): Promise<string[]> {
    return nearestCameras(await this.surroundingsIndex(), p, count);
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
    if (rule.kind === 'zone' && rule.zoneIds?.length) {
      const known = await this.world.zoneIdsIn(rule.zoneIds);
      const i = rule.zoneIds.findIndex((z) => !known.has(z));
      // Zones are city-wide data every admin here may read (only city-wide admins get this far).
      if (i >= 0)
        throw new HttpError(
          400,
          ErrorCode.RequestInvalid,
          `body.zoneIds.${i}: no zone with id ${JSON.stringify(rule.zoneIds[i])}`,
        );
    }
    if (rule.kind === 'coverage') {
      // Region names are city-wide data every admin here may read, like zones.
      for (const [i, a] of rule.areas.entries())
        if ((await this.world.regionName(a.regionCode)) === undefined)
          throw new HttpError(
            400,
            ErrorCode.RequestInvalid,
            `body.areas.${i}.regionCode: no region with code ${JSON.stringify(a.regionCode)}`,
          );
    }
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
    const now = this.clock.now();
    if (!this.rules || now - this.rules.loadedAt > RULES_TTL_MS) {
      const held = { loadedAt: now, set: this.loadRules() };
      this.rules = held;
      held.set.catch(() => {
        if (this.rules === held) this.rules = null;
      });
    }
    return this.rules.set;
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
    const p = (this.surroundings ??= buildSurroundings(this.world, this.log));
    p.catch(() => {
      if (this.surroundings === p) this.surroundings = null;
    });
    return p;
  }
}
