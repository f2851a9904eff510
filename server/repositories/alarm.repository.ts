/** Alarms and the rules that raise them: SQL only. Every write gives the alarm the next rev. */
import { and, asc, desc, eq, gt, gte, inArray, like, lte, or, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/connect';
import { alarms, rules } from '../db/schema';
import { alarmRecord } from './bulk-records';

export type AlarmRow = typeof alarms.$inferSelect;
export type NewAlarm = Omit<typeof alarms.$inferInsert, 'rev'>;

const NEXT_REV = sql<number>`nextval('alarm_rev')`;
/**
 * Every transaction that takes revs holds this lock until it commits, so revs become visible in
 * the order they were taken, on every hub sharing the database: a screen that has seen rev N and
 * asks for `rev > N` can never miss a lower rev that was still uncommitted when it asked.
 */
const ALARM_REV_LOCK = 0x414c_524d; // 'ALRM'
const lockRevs = (tx: Db) => tx.execute(sql`select pg_advisory_xact_lock(${ALARM_REV_LOCK})`);

export class AlarmRepository {
  constructor(private readonly db: Db) {}

  /**
   * Insert alarms (one per event and rule: a repeat is skipped); returns those inserted, with
   * their revs. The batch travels as one JSON parameter expanded by jsonb_to_recordset: on PGlite
   * that is about 2.5× faster than a multi-row VALUES with 22 parameters a row (BENCHMARKS.md).
   */
  async insert(rows: NewAlarm[], tx: Db = this.db): Promise<AlarmRow[]> {
    if (rows.length === 0) return [];
    const json = JSON.stringify(rows.map(alarmRecord));
    await lockRevs(tx);
    const ids = await queryRows<{ id: string; rev: string | number }>(
      tx,
      sql`insert into alarms (id, rev, created_at, updated_at, event_source, event_id, event_type, event_at, rule_id, rule_name, priority, status,
            grid_code, lon, lat, zone_id, zone_name, actions, camera_ids, unit_ids, speaker_id, say, fold_key, count, last_at, expires_at, raise, media)
          select id, nextval('alarm_rev'), created_at, updated_at, event_source, event_id, event_type, event_at, rule_id, rule_name, priority, status,
            grid_code, lon, lat, zone_id, zone_name, actions, camera_ids, unit_ids, speaker_id, say, fold_key, count, last_at, expires_at, raise, media
          from jsonb_to_recordset(${json}::jsonb) as x(id text, created_at timestamptz, updated_at timestamptz, event_source text,
            event_id text, event_type text, event_at timestamptz, rule_id text, rule_name text, priority int, status text, grid_code text,
            lon float8, lat float8, zone_id text, zone_name text, actions jsonb, camera_ids jsonb, unit_ids jsonb, speaker_id text, say text,
            fold_key text, count int, last_at timestamptz, expires_at timestamptz, raise jsonb, media jsonb)
          on conflict do nothing returning id, rev`,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map(({ id, rev }) => {
      const r = byId.get(id)!;
      return {
        ...r,
        rev: Number(rev),
        zoneId: r.zoneId ?? null,
        zoneName: r.zoneName ?? null,
        unitIds: r.unitIds ?? [],
        speakerId: r.speakerId ?? null,
        say: r.say ?? null,
        handledBy: r.handledBy ?? null,
        handledAt: r.handledAt ?? null,
        incidentId: r.incidentId ?? null,
        foldKey: r.foldKey ?? null,
        count: r.count ?? 1,
        expiresAt: r.expiresAt ?? null,
        raise: r.raise ?? null,
        media: r.media ?? null,
      };
    });
  }

  /**
   * Take the rev lock for the caller's transaction: whatever it reads next (the open alarms a
   * repeat folds into) no other transaction can change or add to before it commits.
   */
  lock(tx: Db): Promise<unknown> {
    return lockRevs(tx);
  }

  /** Per (rule, fold key) the latest alarm still open to repeats (new, acknowledged, incident); call under `lock`. */
  async foldTargets(
    keys: readonly { ruleId: string; foldKey: string }[],
    tx: Db,
  ): Promise<{ id: string; ruleId: string; foldKey: string; count: number; lastAt: Date; expiresAt: Date | null }[]> {
    if (keys.length === 0) return [];
    const json = JSON.stringify(keys.map((k) => ({ rule_id: k.ruleId, fold_key: k.foldKey })));
    const rows = await queryRows<{
      id: string;
      rule_id: string;
      fold_key: string;
      count: number;
      last_at: string | Date;
      expires_at: string | Date | null;
    }>(
      tx,
      sql`select distinct on (a.rule_id, a.fold_key) a.id, a.rule_id, a.fold_key, a.count, a.last_at, a.expires_at
          from alarms a join (select distinct rule_id, fold_key from jsonb_to_recordset(${json}::jsonb) as x(rule_id text, fold_key text)) k
            on a.rule_id = k.rule_id and a.fold_key = k.fold_key
          where a.fold_key is not null and a.status in ('new', 'acknowledged', 'incident')
          order by a.rule_id, a.fold_key, a.last_at desc`,
    );
    return rows.map((r) => ({
      id: r.id,
      ruleId: r.rule_id,
      foldKey: r.fold_key,
      count: Number(r.count),
      lastAt: new Date(r.last_at),
      expiresAt: r.expires_at === null ? null : new Date(r.expires_at),
    }));
  }

  /** Record repeats folded into open alarms (count, last time, expiry), each with the next rev; call under `lock`. */
  async applyFolds(
    folds: readonly { id: string; count: number; lastAt: Date; expiresAt: Date | null; media?: AlarmRow['media'] }[],
    at: Date,
    tx: Db,
  ): Promise<AlarmRow[]> {
    if (folds.length === 0) return [];
    const json = JSON.stringify(
      folds.map((f) => ({
        id: f.id,
        count: f.count,
        last_at: f.lastAt,
        expires_at: f.expiresAt,
        media: f.media ?? null,
      })),
    );
    // An alarm's own media stays; a repeat's fills it only where it had none.
    const ids = await queryRows<{ id: string }>(
      tx,
      sql`update alarms a set count = x.count, last_at = x.last_at, expires_at = x.expires_at, media = coalesce(a.media, x.media), updated_at = ${at.toISOString()}::timestamptz, rev = nextval('alarm_rev')
          from jsonb_to_recordset(${json}::jsonb) as x(id text, count int, last_at timestamptz, expires_at timestamptz, media jsonb)
          where a.id = x.id returning a.id`,
    );
    if (ids.length === 0) return [];
    return tx
      .select()
      .from(alarms)
      .where(
        inArray(
          alarms.id,
          ids.map((r) => r.id),
        ),
      )
      .orderBy(asc(alarms.rev));
  }

  /**
   * Close unhandled alarms whose expiry has passed (status `expired`, by 'system'), at most `limit`
   * per call, oldest deadline first; returns them with their new revs.
   */
  async expireDue(now: Date, limit: number): Promise<AlarmRow[]> {
    return this.db.transaction(async (tx) => {
      await lockRevs(tx);
      const due = tx
        .select({ id: alarms.id })
        .from(alarms)
        .where(and(eq(alarms.status, 'new'), lte(alarms.expiresAt, now)))
        .orderBy(asc(alarms.expiresAt))
        .limit(limit);
      return tx
        .update(alarms)
        .set({ status: 'expired', handledBy: 'system', handledAt: now, updatedAt: now, rev: NEXT_REV })
        .where(and(inArray(alarms.id, due), eq(alarms.status, 'new')))
        .returning();
    });
  }

  /**
   * Close the still-open alarms (new, acknowledged) of these hub events as `cleared` by 'system'
   * (what they reported has ended); returns them with their new revs. In the caller's transaction.
   */
  async clearForEvents(source: string, eventIds: readonly string[], at: Date, tx: Db): Promise<AlarmRow[]> {
    if (eventIds.length === 0) return [];
    await lockRevs(tx);
    return tx
      .update(alarms)
      .set({ status: 'cleared', handledBy: 'system', handledAt: at, updatedAt: at, rev: NEXT_REV })
      .where(
        and(
          eq(alarms.eventSource, source),
          inArray(alarms.eventId, [...eventIds]),
          inArray(alarms.status, ['new', 'acknowledged']),
        ),
      )
      .returning();
  }

  /**
   * More of what an open alarm reports joined it (coverage: more grids of its district lack the
   * need): its count grows by `n`, with the next rev. A closed alarm stays as it is.
   */
  async growForEvent(source: string, eventId: string, n: number, at: Date, tx: Db): Promise<AlarmRow[]> {
    if (n <= 0) return [];
    await lockRevs(tx);
    return tx
      .update(alarms)
      .set({ count: sql`${alarms.count} + ${n}`, lastAt: at, updatedAt: at, rev: NEXT_REV })
      .where(
        and(
          eq(alarms.eventSource, source),
          eq(alarms.eventId, eventId),
          inArray(alarms.status, ['new', 'acknowledged']),
        ),
      )
      .returning();
  }

  async byId(id: string): Promise<AlarmRow | undefined> {
    return (await this.db.select().from(alarms).where(eq(alarms.id, id)))[0];
  }

  /** Change an alarm's status (only from one of `from`); returns the row with its new rev, or undefined. */
  async setStatus(
    id: string,
    from: readonly AlarmRow['status'][],
    to: AlarmRow['status'],
    by: string,
    at: Date,
  ): Promise<AlarmRow | undefined> {
    return this.db.transaction(async (tx) => {
      await lockRevs(tx);
      const rows = await tx
        .update(alarms)
        .set({ status: to, handledBy: by, handledAt: at, updatedAt: at, rev: NEXT_REV })
        .where(and(eq(alarms.id, id), inArray(alarms.status, [...from])))
        .returning();
      return rows[0];
    });
  }

  /**
   * Tie alarms to an incident inside the caller's transaction (each gets the next rev); with `status`
   * they also become `incident` (from `new` or `acknowledged` only: others keep their status).
   */
  async linkIncident(
    tx: Db,
    ids: readonly string[],
    incidentId: string,
    status: { by: string; at: Date } | null,
    at: Date,
  ): Promise<AlarmRow[]> {
    if (ids.length === 0) return [];
    await lockRevs(tx);
    const handled = status
      ? {
          status: sql<
            AlarmRow['status']
          >`case when ${alarms.status} in ('new', 'acknowledged') then 'incident' else ${alarms.status} end`,
          handledBy: status.by,
          handledAt: status.at,
        }
      : {};
    return tx
      .update(alarms)
      .set({ incidentId, updatedAt: at, rev: NEXT_REV, ...handled })
      .where(inArray(alarms.id, [...ids]))
      .returning();
  }

  /** Open alarms (new, acknowledged) in a box around a point raised within a window (merge candidates). */
  nearbyOpen(lon: number, lat: number, dLon: number, dLat: number, from: Date, to: Date): Promise<AlarmRow[]> {
    return this.db
      .select()
      .from(alarms)
      .where(
        and(
          inArray(alarms.status, ['new', 'acknowledged']),
          gte(alarms.lon, lon - dLon),
          lte(alarms.lon, lon + dLon),
          gte(alarms.lat, lat - dLat),
          lte(alarms.lat, lat + dLat),
          gte(alarms.createdAt, from),
          lte(alarms.createdAt, to),
        ),
      )
      .limit(200);
  }

  /** Alarms in a region prefix changed after `since`, in rev order (limit + 1 tells "more"). */
  changedSince(prefix: string, since: number, limit: number): Promise<AlarmRow[]> {
    return this.db
      .select()
      .from(alarms)
      .where(and(gt(alarms.rev, since), prefix ? like(alarms.gridCode, `${prefix}%`) : undefined))
      .orderBy(asc(alarms.rev))
      .limit(limit);
  }

  /** Open alarms (new, acknowledged) in a region prefix, newest change first. */
  open(prefix: string, limit: number): Promise<AlarmRow[]> {
    return this.db
      .select()
      .from(alarms)
      .where(
        and(inArray(alarms.status, ['new', 'acknowledged']), prefix ? like(alarms.gridCode, `${prefix}%`) : undefined),
      )
      .orderBy(desc(alarms.rev))
      .limit(limit);
  }

  /**
   * The CAP feed's alarms (issue 18): those open (new, acknowledged) and those closed at or after
   * `endedSince`, in a region prefix, latest change first.
   */
  current(prefix: string, endedSince: Date, limit: number): Promise<AlarmRow[]> {
    return this.db
      .select()
      .from(alarms)
      .where(
        and(
          or(inArray(alarms.status, ['new', 'acknowledged']), gte(alarms.updatedAt, endedSince)),
          prefix ? like(alarms.gridCode, `${prefix}%`) : undefined,
        ),
      )
      .orderBy(desc(alarms.rev))
      .limit(limit);
  }

  async maxRev(): Promise<number> {
    const rows = await this.db.select({ rev: sql<number>`coalesce(max(${alarms.rev}), 0)` }).from(alarms);
    return Number(rows[0]?.rev ?? 0);
  }

  // ---- rules
  async rules(): Promise<{ id: string; definition: unknown }[]> {
    return this.db.select({ id: rules.id, definition: rules.definition }).from(rules).orderBy(asc(rules.id));
  }

  async putRule(id: string, definition: unknown): Promise<void> {
    await this.db
      .insert(rules)
      .values({ id, definition })
      .onConflictDoUpdate({ target: rules.id, set: { definition, updatedAt: sql`now()` } });
  }

  async seedRules(defs: readonly { id: string }[]): Promise<void> {
    if (defs.length === 0) return;
    await this.db
      .insert(rules)
      .values(defs.map((d) => ({ id: d.id, definition: d })))
      .onConflictDoNothing();
  }
}
