/**
 * Merging: the open incidents and alarms near one incident in place and time, of a compatible
 * category (what the desk may merge or attach), and the merge itself seen from the incident merged
 * into (its sources, priority and timeline), inside the merging action's transaction.
 */
import type { AuthContext } from '@server/auth/context';
import type { Db } from '@server/db/connect';
import type { AlarmRepository } from '@server/repositories/alarm.repository';
import type { IncidentRepository, IncidentRow } from '@server/repositories/incident.repository';
import type { IncidentSourceRepository } from '@server/repositories/incident-source.repository';
import type { IncidentTimelineRepository } from '@server/repositories/incident-timeline.repository';
import type { IncidentReadService } from './incident-read.service';
import { scopeFilter, sees } from '@server/auth/policy';
import { HttpError } from '@server/core/http-errors';
import { mergedInEffects } from '@shared/incident-effects';
import { isId } from './ports';
import { sourceRow, timelineRow } from './stored-text';
import { ErrorCode } from '@shared/errors';
import { distanceM } from '@shared/geo';
import { categoryOfEvent, compatibleCategories, type RiskCategory } from '@shared/incident-categories';
import { OPEN_STATUSES, type TransitionRecord } from '@shared/incident-machine';
import type { MergeCandidate } from '@shared/incidents';

/** Merge proposals: within this distance and time, with a compatible category. */
export const MERGE_RADIUS_M = 300;
export const MERGE_WINDOW_MIN = 60;

export class MergeService {
  constructor(
    private readonly incidents: Pick<IncidentRepository, 'nearbyOpen' | 'byId' | 'update'>,
    private readonly timeline: Pick<IncidentTimelineRepository, 'add'>,
    private readonly sources: Pick<IncidentSourceRepository, 'of' | 'add'>,
    private readonly alarmsRepo: Pick<AlarmRepository, 'nearbyOpen'>,
    private readonly reader: Pick<IncidentReadService, 'readable'>,
  ) {}

  /** Open, unresolved incidents and open alarms near this one in place and time, of a compatible category. */
  async candidates(ctx: AuthContext, id: string): Promise<MergeCandidate[]> {
    const row = await this.reader.readable(ctx, id);
    const dLat = MERGE_RADIUS_M / 110_540;
    const dLon = MERGE_RADIUS_M / (111_320 * Math.cos((row.lat * Math.PI) / 180));
    const t = row.createdAt.getTime();
    const from = new Date(t - MERGE_WINDOW_MIN * 60_000);
    const to = new Date(t + MERGE_WINDOW_MIN * 60_000);
    const out: MergeCandidate[] = [];
    // Only what the caller may see: another district's incidents and alarms are never proposed.
    for (const o of await this.incidents.nearbyOpen(
      row.lon,
      row.lat,
      dLon,
      dLat,
      from,
      to,
      scopeFilter(ctx.principal.scope),
    )) {
      if (o.id === row.id || !compatibleCategories(row.category as RiskCategory, o.category as RiskCategory)) continue;
      const d = distanceM([row.lon, row.lat], [o.lon, o.lat]);
      if (d > MERGE_RADIUS_M) continue;
      out.push({
        kind: 'incident',
        id: o.id,
        version: o.version,
        code: o.code,
        category: o.category,
        title: o.title,
        distanceM: Math.round(d),
        minutesApart: Math.round(Math.abs(o.createdAt.getTime() - t) / 60_000),
        at: o.createdAt.toISOString(),
      });
    }
    for (const a of await this.alarmsRepo.nearbyOpen(row.lon, row.lat, dLon, dLat, from, to)) {
      if (!sees(ctx.principal, a.gridCode)) continue;
      const category = categoryOfEvent(a.eventType as never, null, a.eventSource);
      if (!compatibleCategories(row.category as RiskCategory, category)) continue;
      const d = distanceM([row.lon, row.lat], [a.lon, a.lat]);
      if (d > MERGE_RADIUS_M) continue;
      out.push({
        kind: 'alarm',
        id: a.id,
        version: a.rev,
        code: a.ruleId,
        category,
        title: a.zoneName ? `${a.ruleName} · ${a.zoneName}` : a.ruleName,
        distanceM: Math.round(d),
        minutesApart: Math.round(Math.abs(a.createdAt.getTime() - t) / 60_000),
        at: a.createdAt.toISOString(),
      });
    }
    return out.sort((a, b) => a.distanceM - b.distanceM || a.minutesApart - b.minutesApart);
  }

  /**
   * `row` merged into `intoId` (the machine allowed it): the incident merged into, locked, must be
   * another, open one (409 otherwise); it takes the merged incident's sources, the more urgent
   * priority and a timeline entry. Returns it as written.
   */
  async mergeInto(
    row: IncidentRow,
    intoId: string,
    record: TransitionRecord,
    actorName: string,
    tx: Db,
  ): Promise<IncidentRow | undefined> {
    if (intoId === row.id)
      throw new HttpError(409, ErrorCode.IncidentIllegal, 'merge: an incident cannot be merged into itself');
    const into = isId(intoId) ? await this.incidents.byId(intoId, tx, true) : undefined;
    if (!into)
      throw new HttpError(409, ErrorCode.IncidentIllegal, `merge: no incident with id ${JSON.stringify(intoId)}`);
    if (!OPEN_STATUSES.has(into.status))
      throw new HttpError(
        409,
        ErrorCode.IncidentIllegal,
        `merge: incident ${into.code} is ${into.status}; merge into an open one`,
      );
    const moved = await this.sources.of(row.id, tx);
    const change = mergedInEffects(into, row, record, actorName);
    const merged = await this.incidents.update(into.id, into.version, change.set, tx);
    await this.sources.add(
      [
        ...moved.map((s) => ({ ...s, incidentId: into.id })),
        ...(change.sources ?? []).map((s) => sourceRow(s, into.id)),
      ],
      tx,
    );
    await this.timeline.add(
      change.timeline.map((t) => timelineRow(t, into.id)),
      tx,
    );
    return merged;
  }
}
