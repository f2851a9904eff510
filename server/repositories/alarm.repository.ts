/** Alarms and the rules that raise them: SQL only. Every write gives the alarm the next rev. */
import { and, asc, desc, eq, gt, inArray, like, sql } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { alarms, rules } from '../db/schema';

export type AlarmRow = typeof alarms.$inferSelect;
export type NewAlarm = Omit<typeof alarms.$inferInsert, 'rev'>;

const NEXT_REV = sql<number>`nextval('alarm_rev')`;

export class AlarmRepository {
  constructor(private readonly db: Db) {}

  /** Insert alarms (one per event and rule: a repeat is skipped); returns those inserted. */
  async insert(rows: NewAlarm[], tx: Db = this.db): Promise<AlarmRow[]> {
    if (rows.length === 0) return [];
    return tx
      .insert(alarms)
      .values(rows.map((r) => ({ ...r, rev: NEXT_REV })))
      .onConflictDoNothing()
      .returning();
  }

  async byId(id: string): Promise<AlarmRow | undefined> {
    return (await this.db.select().from(alarms).where(eq(alarms.id, id)))[0];
  }

  /** Change an alarm's status (only from one of `from`); returns the row with its new rev, or undefined. */
  async setStatus(id: string, from: readonly AlarmRow['status'][], to: AlarmRow['status'], by: string, at: Date): Promise<AlarmRow | undefined> {
    const rows = await this.db
      .update(alarms)
      .set({ status: to, handledBy: by, handledAt: at, updatedAt: at, rev: NEXT_REV })
      .where(and(eq(alarms.id, id), inArray(alarms.status, [...from])))
      .returning();
    return rows[0];
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
      .where(and(inArray(alarms.status, ['new', 'acknowledged']), prefix ? like(alarms.gridCode, `${prefix}%`) : undefined))
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
