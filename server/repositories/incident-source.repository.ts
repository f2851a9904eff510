/** Where incidents came from (the `incident_sources` table): alarms, events, reports, incidents merged in. SQL only. */
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { incidentSources } from '../db/schema';

export type SourceRow = typeof incidentSources.$inferSelect;

export class IncidentSourceRepository {
  constructor(private readonly db: Db) {}

  /** Every source kept once (a repeat of the same kind and ref is ignored). */
  async add(rows: SourceRow[], tx: Db): Promise<void> {
    if (rows.length) await tx.insert(incidentSources).values(rows).onConflictDoNothing();
  }

  of(id: string, tx: Db = this.db): Promise<SourceRow[]> {
    return tx.select().from(incidentSources).where(eq(incidentSources.incidentId, id)).orderBy(asc(incidentSources.at));
  }
}
