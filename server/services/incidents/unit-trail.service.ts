/**
 * Unit trails (issue 15): where each field unit was over the last TRAIL_WINDOW_MS. Dispatch records
 * a point in the transaction that stores a unit's position (a phone's, or the demo's motion), this
 * serves a scope's trails compactly, thinned by the rule screens append pushes by
 * (shared/trails.ts), and the scheduler prunes what fell out of the window.
 */
import type { Clock } from '@server/core/clock';
import type { Db } from '@server/db/connect';
import type { UnitPositionRepository } from '@server/repositories/unit-position.repository';
import type { UnitRow } from '@server/repositories/unit.repository';
import { authorize, scopeFilter, type Principal } from '@server/auth/policy';
import { trailStep, TRAIL_WINDOW_MS, type TrailPoint, type UnitTrailsReply } from '@shared/trails';
import type { UnitIndex } from '../unit-index';

export class UnitTrailService {
  constructor(
    private readonly positions: UnitPositionRepository,
    private readonly units: UnitIndex,
    private readonly clock: Clock,
  ) {}

  /** Units as just stored (their `updatedAt` is when): one point each, in the storing transaction. */
  record(rows: readonly UnitRow[], tx: Db): Promise<void> {
    return this.positions.record(
      rows.map((r) => ({ unitId: r.id, at: r.updatedAt, lon: r.lon, lat: r.lat })),
      tx,
    );
  }

  /** The trails of the units in the principal's scope (by home region, as GET /units lists them). */
  async trails(principal: Principal): Promise<UnitTrailsReply> {
    authorize(principal, 'world:read');
    const now = this.clock.now();
    const prefix = scopeFilter(principal.scope);
    const ids = prefix
      ? [...(await this.units.fresh()).all()].filter((u) => u.homeRegionCode.startsWith(prefix)).map((u) => u.id)
      : null;
    const rows = await this.positions.since(new Date(now - TRAIL_WINDOW_MS), ids);
    const trails: UnitTrailsReply['trails'] = [];
    // Rows come by unit, then time: one run of rows per unit.
    for (let i = 0; i < rows.length;) {
      const unitId = rows[i]!.unitId;
      const points: TrailPoint[] = [];
      for (; i < rows.length && rows[i]!.unitId === unitId; i++) {
        const r = rows[i]!;
        const p = { t: r.at.getTime(), lon: r.lon, lat: r.lat };
        const step = trailStep(points, p);
        if (step === 'replace') points[points.length - 1] = p;
        else if (step === 'push') points.push(p);
      }
      trails.push({
        unitId,
        path: points.flatMap((p) => [p.lon, p.lat]),
        ages: points.map((p) => Math.max(0, Math.round((now - p.t) / 1000))),
      });
    }
    return { now: new Date(now).toISOString(), trails };
  }

  /** Delete the points that fell out of the window (a scheduler job); how many went. */
  prune(): Promise<number> {
    return this.positions.prune(new Date(this.clock.now() - TRAIL_WINDOW_MS));
  }
}
