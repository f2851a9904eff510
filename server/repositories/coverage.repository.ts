/** Coverage gaps (issue 17) and the grids' centres they are measured at: SQL only. */
import { and, asc, desc, eq, gte, inArray, isNull, like, sql } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { coverageGaps, regions } from '../db/schema';
import type { CoverageNeed } from '@shared/coverage';

const COVERAGE_SWEEP_LOCK = 0x434f_5645; // 'COVE'

export type CoverageGapRow = typeof coverageGaps.$inferSelect;
export type NewCoverageGap = Omit<typeof coverageGaps.$inferInsert, 'id' | 'closedAt'>;

export class CoverageRepository {
  constructor(private readonly db: Db) {}

  /** Every grid's code and label point, in code order. */
  async gridCenters(): Promise<{ code: string; lon: number; lat: number }[]> {
    return this.db
      .select({ code: regions.code, lon: regions.centerLon, lat: regions.centerLat })
      .from(regions)
      .where(eq(regions.level, 'grid'))
      .orderBy(asc(regions.code));
  }

  /** The open spells (under a region code prefix; '' = all). */
  async open(prefix = '', tx: Db = this.db): Promise<CoverageGapRow[]> {
    return tx
      .select()
      .from(coverageGaps)
      .where(and(isNull(coverageGaps.closedAt), prefix ? like(coverageGaps.gridCode, `${prefix}%`) : undefined))
      .orderBy(asc(coverageGaps.gridCode), asc(coverageGaps.need));
  }

  /**
   * Open spells; a (grid, need) that already has an open one (another hub's) is skipped. Returns
   * those this call opened.
   */
  async openMany(rows: readonly NewCoverageGap[], tx: Db): Promise<CoverageGapRow[]> {
    if (rows.length === 0) return [];
    return tx
      .insert(coverageGaps)
      .values([...rows])
      .onConflictDoNothing({
        target: [coverageGaps.gridCode, coverageGaps.need],
        where: sql`${coverageGaps.closedAt} is null`,
      })
      .returning();
  }

  /**
   * One sweep at a time across hubs (for this transaction): spells of a district and need share
   * one alarm, so two hubs must not each start one for the same district.
   */
  async lockSweep(tx: Db): Promise<void> {
    await tx.execute(sql`select pg_advisory_xact_lock(${COVERAGE_SWEEP_LOCK})`);
  }

  /** Close these open spells; returns those this call closed. */
  async close(ids: readonly number[], at: Date, tx: Db): Promise<CoverageGapRow[]> {
    if (ids.length === 0) return [];
    return tx
      .update(coverageGaps)
      .set({ closedAt: at })
      .where(and(inArray(coverageGaps.id, [...ids]), isNull(coverageGaps.closedAt)))
      .returning();
  }

  /** Spells of a grid and need, newest first (tests, the gap's history). */
  async spells(gridCode: string, need: CoverageNeed, since = new Date(0)): Promise<CoverageGapRow[]> {
    return this.db
      .select()
      .from(coverageGaps)
      .where(and(eq(coverageGaps.gridCode, gridCode), eq(coverageGaps.need, need), gte(coverageGaps.openedAt, since)))
      .orderBy(desc(coverageGaps.openedAt));
  }
}
