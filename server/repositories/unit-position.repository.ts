/**
 * Where the field units were (the `unit_positions` table, issue 15): one row each time a unit's
 * position is stored, read back as trails and deleted once older than the trail window. SQL only.
 */
import { and, asc, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../db/connect';
import { unitPositions } from '../db/schema';

export type UnitPositionRow = typeof unitPositions.$inferSelect;

/** Rows per insert statement (4 parameters each, well under PostgreSQL's 65,535). */
const INSERT_CHUNK = 5_000;

export class UnitPositionRepository {
  constructor(private readonly db: Db) {}

  /** Record positions, in the caller's transaction (the one that stored them on the units). */
  async record(rows: readonly UnitPositionRow[], tx: Db = this.db): Promise<void> {
    for (let i = 0; i < rows.length; i += INSERT_CHUNK)
      await tx.insert(unitPositions).values(rows.slice(i, i + INSERT_CHUNK));
  }

  /**
   * Positions at or after `since`, by unit then time; only of `unitIds` when given (a scope's
   * units; an empty list reads nothing).
   */
  async since(since: Date, unitIds: readonly string[] | null): Promise<UnitPositionRow[]> {
    if (unitIds?.length === 0) return [];
    const where: SQL[] = [gte(unitPositions.at, since)];
    if (unitIds) where.push(inArray(unitPositions.unitId, [...unitIds]));
    return this.db
      .select()
      .from(unitPositions)
      .where(and(...where))
      .orderBy(asc(unitPositions.unitId), asc(unitPositions.at));
  }

  /** Delete positions older than `before`; how many went. */
  async prune(before: Date): Promise<number> {
    const [row] = await queryRows<{ n: number | string }>(
      this.db,
      sql`with gone as (delete from ${unitPositions} where ${lt(unitPositions.at, before)} returning 1)
          select count(*) as n from gone`,
    );
    return Number(row?.n ?? 0);
  }
}
