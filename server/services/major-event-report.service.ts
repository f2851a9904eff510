/**
 * A major event's report (issue 17): what happened inside its perimeter during its window. Final
 * (the after-action report) once the event has closed, "so far" while it runs; an event not started
 * yet has an empty window and zero figures.
 *
 * Access: the event's, through MajorEventService.readable (404 none, 403 outside the scope, nothing
 * of the event said). The rows are read by a box around the perimeter, kept by the exact perimeter
 * (compilePerimeter, the test the alarm path uses) and, defence in depth, by the caller's scope (an
 * event's perimeter lies in its region, so a reader of the event sees them all). The figures are
 * computed by the pure reportParts (major-event-figures.ts).
 */
import type { Clock } from '../core/clock';
import type { AuthContext } from '../auth/context';
import { scopeFilter, sees } from '../auth/policy';
import type { MajorEventService } from './major-event.service';
import type { UnitRepository } from '../repositories/unit.repository';
import type { WorldRepository } from '../repositories/world.repository';
import {
  REPORT_ALARMS_MAX,
  REPORT_INCIDENTS_MAX,
  REPORT_STEPS_MAX,
  type Bbox,
  type MajorEventReportRepository,
} from '../repositories/major-event-report.repository';
import { emptyParts, reportParts } from './major-event-figures';
import { compilePerimeter } from '@shared/event-area';
import { boundsOf, pointsOf } from '@shared/report-map';
import type { MajorEventReport, ReportPost } from '@shared/major-event-report';
import type { LonLat } from '@shared/world';

export class MajorEventReportService {
  constructor(
    private readonly events: Pick<MajorEventService, 'get'>,
    private readonly repo: MajorEventReportRepository,
    private readonly units: Pick<UnitRepository, 'byIds'>,
    private readonly world: Pick<WorldRepository, 'regionBoundary' | 'regionName'>,
    private readonly clock: Clock,
  ) {}

  async report(ctx: AuthContext, id: string): Promise<MajorEventReport> {
    // get() is readable() (the access check: 404, 403) and the event's view.
    const event = await this.events.get(ctx, id);
    const now = this.clock.now();
    const from = new Date(event.startsAt);
    const started = now >= from.getTime();
    const final = event.status === 'closed';
    const end = event.closedAt ? new Date(event.closedAt) : new Date(Math.min(Date.parse(event.endsAt), now));
    const to = started ? new Date(Math.max(from.getTime(), end.getTime())) : from;

    const posts = await this.posts(ctx, event.posts);
    let parts = emptyParts(posts);
    const capped = { alarms: false, incidents: false, steps: false };
    if (started) {
      const box = boxOf(event.perimeter);
      const prefix = scopeFilter(ctx.principal.scope);
      const inside = compilePerimeter(event.perimeter);
      const keep = (r: { lon: number; lat: number; gridCode: string }) =>
        inside.contains(r.lon, r.lat) && sees(ctx.principal, r.gridCode);
      const [alarmRows, incidentRows] = await Promise.all([
        box ? this.repo.alarmsIn(from, to, box, prefix, REPORT_ALARMS_MAX + 1) : [],
        box ? this.repo.incidentsIn(from, to, box, prefix, REPORT_INCIDENTS_MAX + 1) : [],
      ]);
      capped.alarms = alarmRows.length > REPORT_ALARMS_MAX;
      capped.incidents = incidentRows.length > REPORT_INCIDENTS_MAX;
      const alarms = alarmRows.slice(0, REPORT_ALARMS_MAX).filter(keep);
      const incidents = incidentRows.slice(0, REPORT_INCIDENTS_MAX).filter(keep);
      const stepRows = await this.repo.stepsOf(
        incidents.map((i) => i.id),
        to,
        REPORT_STEPS_MAX + 1,
      );
      capped.steps = stepRows.length > REPORT_STEPS_MAX;
      parts = reportParts({
        eventId: event.id,
        to,
        alarms,
        incidents,
        steps: stepRows.slice(0, REPORT_STEPS_MAX),
        posts,
      });
    }
    const [boundary, regionName] = await Promise.all([
      this.world.regionBoundary(event.regionCode),
      this.world.regionName(event.regionCode),
    ]);
    return {
      event,
      window: { from: from.toISOString(), to: to.toISOString(), final },
      generatedAt: new Date(now).toISOString(),
      ...parts,
      posts,
      regionName: regionName ?? event.regionCode,
      regionBoundary: boundary ? boundary.flatMap((polygon) => polygon) : [],
      capped,
    };
  }

  /** The plan's posts with their units as they stand now (one gone, or outside the caller's scope, left out). */
  private async posts(ctx: AuthContext, posts: MajorEventReport['event']['posts']): Promise<ReportPost[]> {
    const found = new Map(
      (await this.units.byIds([...new Set(posts.flatMap((p) => p.unitIds))]))
        .filter((u) => sees(ctx.principal, u.homeRegionCode))
        .map((u) => [u.id, u]),
    );
    return posts.map((p) => ({
      name: p.name,
      kind: p.kind,
      position: p.position,
      staff: p.staff,
      units: p.unitIds.flatMap((uid) => {
        const u = found.get(uid);
        return u ? [{ id: u.id, name: u.callsign, kind: u.kind, status: u.status }] : [];
      }),
    }));
  }
}

/** The perimeter's bounding box (no padding: the exact test follows). */
function boxOf(perimeter: readonly (readonly LonLat[])[]): Bbox | null {
  return boundsOf(pointsOf(perimeter), 0);
}
