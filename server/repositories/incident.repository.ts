/**
 * Incidents (the `incidents` table): SQL only. Every write of an incident takes the next rev under
 * the rev lock (as alarms: revs commit in the order taken, on every hub) and bumps its version only
 * when the version it read is still there. Their timelines, sources, photos and the units are the
 * repositories beside this one (one per table).
 */
import { and, asc, desc, eq, gt, gte, inArray, isNotNull, lt, lte, notInArray, or, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../db/connect';
import { incidentSources, incidents } from '../db/schema';

export type IncidentRow = typeof incidents.$inferSelect;
export type NewIncident = Omit<typeof incidents.$inferInsert, 'rev' | 'code' | 'version'>;

const INCIDENT_REV_LOCK = 0x494e_4344; // 'INCD'
const lockRevs = (tx: Db) => tx.execute(sql`select pg_advisory_xact_lock(${INCIDENT_REV_LOCK})`);
const NEXT_REV = sql<number>`nextval('incident_rev')`;
export const CLOSED_STATUSES = ['closed', 'merged', 'cancelled'] as const;

/**
 * Rows whose grid code starts with `prefix`: a district's or a street's by `left(grid_code, n)` (the
 * history indexes' key), others as a range an index can use under any collation.
 */
export function regionRange(column: typeof incidents.gridCode, prefix: string): SQL | undefined {
  if (!prefix) return undefined;
  if (prefix.length === 6 || prefix.length === 9)
    return sql`left(${column}, ${sql.raw(String(prefix.length))}) = ${prefix}`;
  const next = (BigInt(prefix) + 1n).toString().padStart(prefix.length, '0');
  return and(gte(column, prefix), lt(column, next));
}

export interface ListFilter {
  prefix: string;
  statuses: readonly string[] | 'open' | 'closed' | 'all';
  category?: string;
  priority?: number;
  source?: string;
  kind?: string;
  flagged?: boolean;
  unitId?: string;
  sort: 'priority' | 'due' | 'newest';
  limit: number;
  /** Keyset: the sort key of the last row of the previous page. */
  after?: { priority: number; dueAt: string | null; createdAt: string; id: string };
}

export class IncidentRepository {
  constructor(private readonly db: Db) {}

  /** Insert one incident (its code from the incident number, its rev, version 1). */
  async insert(row: NewIncident, tx: Db): Promise<IncidentRow> {
    await lockRevs(tx);
    const day = new Date(row.createdAt.getTime() + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
    const out = await tx
      .insert(incidents)
      .values({
        ...row,
        rev: NEXT_REV,
        version: 1,
        code: sql<string>`${'E' + day + '-'} || lpad(nextval('incident_no')::text, 6, '0')`,
      })
      .returning();
    return out[0]!;
  }

  /** Write a changed incident if its version is still `expected`; the new row, or undefined (someone else wrote first). */
  async update(id: string, expected: number, set: Partial<NewIncident>, tx: Db): Promise<IncidentRow | undefined> {
    await lockRevs(tx);
    const out = await tx
      .update(incidents)
      .set({ ...set, rev: NEXT_REV, version: sql`${incidents.version} + 1` })
      .where(and(eq(incidents.id, id), eq(incidents.version, expected)))
      .returning();
    return out[0];
  }

  async byId(id: string, tx: Db = this.db, forUpdate = false): Promise<IncidentRow | undefined> {
    const q = tx.select().from(incidents).where(eq(incidents.id, id));
    return (await (forUpdate ? q.for('update') : q))[0];
  }

  async byTrackingCode(code: string): Promise<IncidentRow | undefined> {
    return (await this.db.select().from(incidents).where(eq(incidents.trackingCode, code)))[0];
  }

  async byExternalId(source: string, externalId: string, tx: Db = this.db): Promise<IncidentRow | undefined> {
    return (
      await tx
        .select()
        .from(incidents)
        .where(and(eq(incidents.source, source as IncidentRow['source']), eq(incidents.externalId, externalId)))
    )[0];
  }

  /** The incident (not merged away) that has this alarm among its sources. */
  async byAlarm(alarmId: string, tx: Db = this.db): Promise<IncidentRow | undefined> {
    const rows = await tx
      .select({ i: incidents })
      .from(incidentSources)
      .innerJoin(incidents, eq(incidents.id, incidentSources.incidentId))
      .where(
        and(eq(incidentSources.kind, 'alarm'), eq(incidentSources.ref, alarmId), sql`${incidents.status} <> 'merged'`),
      )
      .limit(1);
    return rows[0]?.i;
  }

  /** The desk's list: filters, one of three sorts, keyset paging. */
  list(f: ListFilter): Promise<IncidentRow[]> {
    const where: (SQL | undefined)[] = [regionRange(incidents.gridCode, f.prefix)];
    if (f.statuses === 'open') where.push(notInArray(incidents.status, [...CLOSED_STATUSES]));
    else if (f.statuses === 'closed') where.push(inArray(incidents.status, [...CLOSED_STATUSES]));
    else if (f.statuses !== 'all') where.push(inArray(incidents.status, f.statuses as IncidentRow['status'][]));
    if (f.category) where.push(eq(incidents.category, f.category));
    if (f.priority) where.push(eq(incidents.priority, f.priority));
    if (f.source) where.push(eq(incidents.source, f.source as IncidentRow['source']));
    if (f.kind) where.push(eq(incidents.kind, f.kind as IncidentRow['kind']));
    if (f.flagged !== undefined) where.push(eq(incidents.flagged, f.flagged));
    if (f.unitId) where.push(sql`${incidents.assignments} @> ${JSON.stringify([{ unitId: f.unitId }])}::jsonb`);
    const a = f.after;
    let order: SQL[];
    if (f.sort === 'newest') {
      // A row comparison, so the index starts at the cursor (an OR of the two would read every newer row).
      if (a) where.push(sql`(${incidents.createdAt}, ${incidents.id}) < (${a.createdAt}::timestamptz, ${a.id})`);
      order = [desc(incidents.createdAt), desc(incidents.id)];
    } else {
      // priority: most urgent first, then the nearest deadline; due: the nearest deadline first.
      const due = sql`coalesce(${incidents.dueAt}, 'infinity'::timestamptz)`;
      if (a) {
        const aDue = a.dueAt ?? 'infinity';
        where.push(
          f.sort === 'priority'
            ? sql`(${incidents.priority}, ${due}, ${incidents.id}) > (${a.priority}, ${aDue}::timestamptz, ${a.id})`
            : sql`(${due}, ${incidents.priority}, ${incidents.id}) > (${aDue}::timestamptz, ${a.priority}, ${a.id})`,
        );
      }
      order =
        f.sort === 'priority'
          ? [asc(incidents.priority), asc(due), asc(incidents.id)]
          : [asc(due), asc(incidents.priority), asc(incidents.id)];
    }
    return this.db
      .select()
      .from(incidents)
      .where(and(...where))
      .orderBy(...order)
      .limit(f.limit);
  }

  /** Incidents in a region changed after `since`, in rev order. */
  changedSince(prefix: string, since: number, limit: number): Promise<IncidentRow[]> {
    return this.db
      .select()
      .from(incidents)
      .where(and(gt(incidents.rev, since), regionRange(incidents.gridCode, prefix)))
      .orderBy(asc(incidents.rev))
      .limit(limit);
  }

  /** Open incidents in a region, newest change first. */
  open(prefix: string, limit: number): Promise<IncidentRow[]> {
    return this.db
      .select()
      .from(incidents)
      .where(and(notInArray(incidents.status, [...CLOSED_STATUSES]), regionRange(incidents.gridCode, prefix)))
      .orderBy(desc(incidents.rev))
      .limit(limit);
  }

  /** The CAP feed's incidents (issue 18): those open and those closed at or after `endedSince`, in a region, latest change first. */
  current(prefix: string, endedSince: Date, limit: number): Promise<IncidentRow[]> {
    return this.db
      .select()
      .from(incidents)
      .where(
        and(
          or(notInArray(incidents.status, [...CLOSED_STATUSES]), gte(incidents.updatedAt, endedSince)),
          regionRange(incidents.gridCode, prefix),
        ),
      )
      .orderBy(desc(incidents.rev))
      .limit(limit);
  }

  async maxRev(): Promise<number> {
    const rows = await queryRows<{ rev: string | number | null }>(this.db, sql`select max(rev) as rev from incidents`);
    return Number(rows[0]?.rev ?? 0);
  }

  /** Open incidents whose next deadline is at or before `now` (the breach sweep), oldest deadline first. */
  due(now: Date, limit: number): Promise<IncidentRow[]> {
    return this.db
      .select()
      .from(incidents)
      .where(and(isNotNull(incidents.dueAt), lte(incidents.dueAt, now)))
      .orderBy(asc(incidents.dueAt))
      .limit(limit);
  }

  /** Open, unresolved incidents around a point created within a window (merge candidates), in a region prefix ('' all). */
  nearbyOpen(
    lon: number,
    lat: number,
    dLon: number,
    dLat: number,
    from: Date,
    to: Date,
    prefix = '',
  ): Promise<IncidentRow[]> {
    return this.db
      .select()
      .from(incidents)
      .where(
        and(
          regionRange(incidents.gridCode, prefix),
          inArray(incidents.status, ['reported', 'accepted', 'dispatched', 'unit_accepted', 'on_scene']),
          gte(incidents.lon, lon - dLon),
          lte(incidents.lon, lon + dLon),
          gte(incidents.lat, lat - dLat),
          lte(incidents.lat, lat + dLat),
          gte(incidents.createdAt, from),
          lte(incidents.createdAt, to),
        ),
      )
      .limit(200);
  }

  /**
   * For a dispute's risk: earlier disputes (not this one) since `from` sharing a party (by id key,
   * else by name), and within the box of the address.
   */
  async disputeRecurrence(
    excludeId: string,
    parties: readonly { name: string; idKey: string | null }[],
    lon: number,
    lat: number,
    dLon: number,
    dLat: number,
    from: Date,
    tx: Db = this.db,
  ): Promise<{ sameParties: number; sameAddress: number }> {
    let sameParties = 0;
    if (parties.length) {
      const conds = parties.map(
        (p) =>
          sql`(${incidents.dispute}->'parties') @> ${JSON.stringify([p.idKey ? { idKey: p.idKey } : { name: p.name }])}::jsonb`,
      );
      const rows = await queryRows<{ n: string | number }>(
        tx,
        sql`select count(*) as n from incidents where dispute is not null and id <> ${excludeId} and created_at >= ${from.toISOString()}::timestamptz and (${sql.join(conds, sql` or `)})`,
      );
      sameParties = Number(rows[0]?.n ?? 0);
    }
    const near = await queryRows<{ n: string | number }>(
      tx,
      sql`select count(*) as n from incidents where dispute is not null and id <> ${excludeId} and created_at >= ${from.toISOString()}::timestamptz
          and lon between ${lon - dLon} and ${lon + dLon} and lat between ${lat - dLat} and ${lat + dLat}`,
    );
    return { sameParties, sameAddress: Number(near[0]?.n ?? 0) };
  }

  /**
   * The incidents that show a photo (where the photo lies, for its access check). No index on the
   * jsonb column: a scan, fine at the demo's sizes; a GIN index on photo_ids is the way at scale.
   */
  incidentsWithPhoto(id: string): Promise<IncidentRow[]> {
    return this.db
      .select()
      .from(incidents)
      .where(sql`${incidents.photoIds} @> ${JSON.stringify([id])}::jsonb`)
      .limit(50);
  }

  // ---- Open311 GeoReport v2 (issue 18): the one read server/services/open311.service.ts needs.

  /**
   * Citizens' reports (source 'citizen') in a region prefix ('' all), newest first: those with
   * these codes, or else those created in [from, to] with the categories and statuses given.
   * The window reads incidents_created_idx (or the district's).
   */
  citizenReports(f: {
    prefix: string;
    codes?: readonly string[];
    categories?: readonly string[];
    statuses?: readonly IncidentRow['status'][];
    from?: Date;
    to?: Date;
    limit: number;
  }): Promise<IncidentRow[]> {
    const where: (SQL | undefined)[] = [eq(incidents.source, 'citizen'), regionRange(incidents.gridCode, f.prefix)];
    if (f.codes) where.push(inArray(incidents.code, [...f.codes]));
    else {
      if (f.categories) where.push(inArray(incidents.category, [...f.categories]));
      if (f.statuses) where.push(inArray(incidents.status, [...f.statuses]));
      if (f.from) where.push(gte(incidents.createdAt, f.from));
      if (f.to) where.push(lte(incidents.createdAt, f.to));
    }
    return this.db
      .select()
      .from(incidents)
      .where(and(...where))
      .orderBy(desc(incidents.createdAt), desc(incidents.id))
      .limit(f.limit);
  }
}
