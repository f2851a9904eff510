/**
 * The field units' live state (the `units` table): status, the incident they are on, position. SQL
 * only; the database's clock stamps every change (`updated_at`), which the unit index refreshes by.
 */
import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/connect';
import { units } from '../db/schema';

export type UnitRow = typeof units.$inferSelect;

export class UnitRepository {
  constructor(private readonly db: Db) {}

  all(): Promise<UnitRow[]> {
    return this.db.select().from(units).orderBy(units.id);
  }

  changedSince(since: Date): Promise<UnitRow[]> {
    return this.db.select().from(units).where(gt(units.updatedAt, since));
  }

  /** Units by id, locked for the transaction (dispatching them). */
  async forUpdate(ids: readonly string[], tx: Db = this.db): Promise<UnitRow[]> {
    if (ids.length === 0) return [];
    return tx
      .select()
      .from(units)
      .where(inArray(units.id, [...ids]))
      .for('update');
  }

  /** Units by id, read without a lock (their home regions, checked before a transaction opens). */
  async byIds(ids: readonly string[], tx: Db = this.db): Promise<UnitRow[]> {
    if (ids.length === 0) return [];
    return tx
      .select()
      .from(units)
      .where(inArray(units.id, [...ids]));
  }

  /** Units' status (the database's clock stamps them: the unit index refreshes by it). */
  async setStatus(
    ids: readonly string[],
    set: { status: UnitRow['status']; incidentId: string | null },
    tx: Db,
  ): Promise<UnitRow[]> {
    if (ids.length === 0) return [];
    return tx
      .update(units)
      .set({ ...set, updatedAt: sql`now()` })
      .where(inArray(units.id, [...ids]))
      .returning();
  }

  /** Units marked busy with no incident (only a seed made them so: dispatch always names one) go back on duty. */
  async freeIdleBusy(tx: Db = this.db): Promise<UnitRow[]> {
    return tx
      .update(units)
      .set({ status: 'available', updatedAt: sql`now()` })
      .where(and(eq(units.status, 'busy'), isNull(units.incidentId)))
      .returning();
  }

  async move(id: string, lon: number, lat: number, tx: Db = this.db): Promise<UnitRow | undefined> {
    return (
      await tx
        .update(units)
        .set({ lon, lat, updatedAt: sql`now()` })
        .where(eq(units.id, id))
        .returning()
    )[0];
  }

  /** Many units' positions at once (the simulator's tick): one statement. */
  async moveMany(
    moves: readonly { id: string; position: readonly [number, number] }[],
    tx: Db = this.db,
  ): Promise<UnitRow[]> {
    if (moves.length === 0) return [];
    const json = JSON.stringify(moves.map((m) => ({ id: m.id, lon: m.position[0], lat: m.position[1] })));
    const rows = await queryRows<{ id: string }>(
      tx,
      sql`update units set lon = x.lon, lat = x.lat, updated_at = now()
          from jsonb_to_recordset(${json}::jsonb) as x(id text, lon float8, lat float8) where units.id = x.id returning units.id`,
    );
    return this.byIds(
      rows.map((r) => r.id),
      tx,
    );
  }
}
