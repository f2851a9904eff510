/** Incidents' timelines (the `incident_timeline` table): every transition, who, when and a note; never updated. SQL only. */
import { asc, inArray } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { incidentTimeline } from '../db/schema';

export type TimelineRow = typeof incidentTimeline.$inferSelect;
export type NewTimeline = typeof incidentTimeline.$inferInsert;

export class IncidentTimelineRepository {
  constructor(private readonly db: Db) {}

  async add(rows: NewTimeline[], tx: Db): Promise<void> {
    if (rows.length) await tx.insert(incidentTimeline).values(rows);
  }

  /** Timelines of these incidents (an incident and those merged into it), oldest first. */
  of(ids: readonly string[]): Promise<TimelineRow[]> {
    return this.db
      .select()
      .from(incidentTimeline)
      .where(inArray(incidentTimeline.incidentId, [...ids]))
      .orderBy(asc(incidentTimeline.at), asc(incidentTimeline.id));
  }
}
