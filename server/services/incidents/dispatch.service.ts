/**
 * Dispatch and the field units: a proposal for an incident (the nearest available units with an
 * ETA, the department responsible and its crews, nearby cameras; only those of the caller's scope),
 * which units an action may send, a field member's home page (their assignments), their phone's
 * positions, the demo's moves (each stored position also a trail point), and the live units of a scope. The units live in the unit index
 * (unit-index.ts), shared with the other incident services.
 */
import type { AuthContext } from '@server/auth/context';
import type { Db } from '@server/db/connect';
import type { IncidentRepository } from '@server/repositories/incident.repository';
import type { UnitRepository, UnitRow } from '@server/repositories/unit.repository';
import type { WorldRepository } from '@server/repositories/world.repository';
import type { UnitIndex } from '../unit-index';
import type { DomainEvents } from '../domain-events';
import type { IncidentReadService } from './incident-read.service';
import type { Locator, Transact } from './ports';
import type { UnitTrailService } from './unit-trail.service';
import { actionsFor, reachOf, type IncidentAccess } from './incident-access';
import { unitLiveView, type IncidentViews } from './incident-view';
import { authorize, scopeFilter, type Principal } from '@server/auth/policy';
import { HttpError } from '@server/core/http-errors';
import { activeUnits } from '@shared/incident-facts';
import { ErrorCode } from '@shared/errors';
import { round6 } from '@shared/geo';
import { CATEGORIES, type RiskCategory } from '@shared/incident-categories';
import type { DispatchProposal, FieldHome, PositionBody, UnitLive } from '@shared/incidents';
import type { LonLat } from '@shared/world';

/** How many units a proposal lists, and how far it looks. */
const PROPOSAL_UNITS = 5;
const PROPOSAL_RADIUS_M = 15_000;
const PROPOSAL_CAMERAS = 4;

export class DispatchService {
  /** Units whose member's phone sends real positions: the demo's unit motion leaves them alone. */
  readonly reportingUnits = new Set<string>();

  constructor(
    private readonly incidents: IncidentRepository,
    private readonly unitRows: UnitRepository,
    private readonly world: WorldRepository,
    readonly units: UnitIndex,
    private readonly access: IncidentAccess,
    private readonly reader: IncidentReadService,
    private readonly views: IncidentViews,
    private readonly locator: Pick<Locator, 'cameras'>,
    private readonly events: DomainEvents,
    /** Each stored position is also a point of the unit's trail, in the same transaction. */
    private readonly trails: UnitTrailService,
    private readonly transact: Transact,
  ) {}

  // ------------------------------------------------------------------ proposals

  /** The nearest available units (distance, ETA), the department responsible and its crews, nearby cameras. */
  async proposal(ctx: AuthContext, id: string): Promise<DispatchProposal> {
    const row = await this.reader.readable(ctx, id);
    return this.proposeFor(
      row.category as RiskCategory,
      row.lon,
      row.lat,
      row.assignments.map((a) => a.unitId),
      ctx.principal,
    );
  }

  /** For `principal` (omitted: the whole city), only the units and cameras of its scope (policy.ts). */
  async proposeFor(
    category: RiskCategory,
    lon: number,
    lat: number,
    exclude: readonly string[] = [],
    principal?: Principal,
  ): Promise<DispatchProposal> {
    const info = CATEGORIES[category];
    const units = await this.units.fresh();
    const skip = new Set(exclude);
    const prefix = principal ? scopeFilter(principal.scope) : '';
    // A scoped caller's nearest units are found among every unit and filtered: a few hundred rows.
    const more = (n: number) => (prefix ? Number.MAX_SAFE_INTEGER : n + skip.size);
    const pick = (list: ReturnType<UnitIndex['nearest']>) =>
      list.filter((u) => !skip.has(u.unitId) && (units.get(u.unitId)?.homeRegionCode.startsWith(prefix) ?? false));
    return {
      department: info.department,
      units: pick(
        units.nearest(lon, lat, { kinds: info.unitKinds, count: more(PROPOSAL_UNITS), maxM: PROPOSAL_RADIUS_M }),
      ).slice(0, PROPOSAL_UNITS),
      departmentUnits: pick(
        units.nearest(lon, lat, {
          kinds: ['department'],
          department: info.department,
          count: more(3),
          maxM: PROPOSAL_RADIUS_M * 2,
        }),
      ).slice(0, 3),
      cameraIds: await this.camerasNear([lon, lat], prefix),
    };
  }

  /** The nearest cameras of a point inside a region prefix ('' the whole city). */
  private async camerasNear(p: LonLat, prefix: string): Promise<string[]> {
    if (!prefix) return this.locator.cameras(p, PROPOSAL_CAMERAS);
    const near = await this.locator.cameras(p, PROPOSAL_CAMERAS * 4);
    const grids = new Map((await this.world.cameraGrids(near)).map((c) => [c.id, c.gridCode]));
    return near.filter((c) => grids.get(c)?.startsWith(prefix)).slice(0, PROPOSAL_CAMERAS);
  }

  // ------------------------------------------------------------------ sending units

  /** The units an action names, each in the caller's scope (read before a transaction opens). */
  async checkUnitsInScope(who: Principal, unitIds: readonly string[]): Promise<void> {
    this.access.checkUnits(who, await this.unitRows.byIds(unitIds));
  }

  /** Inside the action's transaction: the units locked, in scope, known, and free (or on this incident already). */
  async checkDispatchable(who: Principal, unitIds: readonly string[], incidentId: string, tx: Db): Promise<void> {
    const rows = await this.unitRows.forUpdate(unitIds, tx);
    this.access.checkUnits(who, rows);
    const found = new Map(rows.map((u) => [u.id, u]));
    const missing = unitIds.filter((u) => !found.has(u));
    if (missing.length)
      throw new HttpError(
        400,
        ErrorCode.UnitNotFound,
        `body.unitIds: no unit ${missing.map((m) => JSON.stringify(m)).join(', ')}`,
      );
    for (const u of rows) {
      if (u.status === 'offline')
        throw new HttpError(409, ErrorCode.UnitUnavailable, `unit ${u.callsign} (${u.id}) is offline`);
      if (u.status === 'busy' && u.incidentId !== incidentId)
        throw new HttpError(
          409,
          ErrorCode.UnitUnavailable,
          `unit ${u.callsign} (${u.id}) is busy${u.incidentId ? ' with another incident' : ''}`,
        );
    }
    this.units.apply(rows);
  }

  // ------------------------------------------------------------------ field units

  async fieldHome(ctx: AuthContext): Promise<FieldHome> {
    authorize(ctx.principal, 'incident:field');
    const unit = await this.unitOf(ctx);
    const rows = await this.incidents.list({
      prefix: '',
      statuses: 'open',
      unitId: unit.id,
      sort: 'priority',
      limit: 50,
    });
    const mine = rows.filter((r) => activeUnits(r.assignments).includes(unit.id));
    // A grid worker also verifies what was resolved in their reach (网格验收), not their own work.
    if (unit.kind === 'grid_worker') {
      const have = new Set(mine.map((r) => r.id));
      for (const r of await this.incidents.list({
        prefix: reachOf(unit),
        statuses: ['resolved'],
        sort: 'priority',
        limit: 50,
      })) {
        if (!have.has(r.id) && this.access.actorFor(ctx, r) === 'grid_worker') mine.push(r);
      }
    }
    const views = await this.views.views(mine);
    return {
      unit: {
        id: unit.id,
        callsign: unit.callsign,
        kind: unit.kind,
        status: unit.status,
        position: [unit.lon, unit.lat],
      },
      assignments: views.map((v, i) => ({
        incident: v,
        actions: actionsFor(mine[i]!, this.access.actorFor(ctx, mine[i]!), unit.id),
      })),
    };
  }

  /** A unit's position (browser geolocation, or the simulator): stored, and pushed to the map. */
  async position(ctx: AuthContext, body: PositionBody): Promise<void> {
    authorize(ctx.principal, 'incident:field');
    const unit = await this.unitOf(ctx);
    const [lon, lat] = [round6(body.lon), round6(body.lat)];
    // A phone standing still reports the same place again and again: its trail needs it once.
    const moved = lon !== unit.lon || lat !== unit.lat;
    const row = await this.transact(async (tx) => {
      const r = await this.unitRows.move(unit.id, lon, lat, tx);
      if (r && moved) await this.trails.record([r], tx);
      return r;
    });
    if (!row) return;
    this.reportingUnits.add(row.id);
    this.units.apply([row], true);
    this.events.emit('units', [{ regionCode: row.homeRegionCode, live: unitLiveView(row) }]);
  }

  /** The demo's moves of its units (not those whose phones report): stored, indexed, pushed. */
  async moveUnits(moves: readonly { id: string; position: readonly [number, number] }[]): Promise<void> {
    const rows = await this.transact(async (tx) => {
      const r = await this.unitRows.moveMany(
        moves.filter((m) => !this.reportingUnits.has(m.id)),
        tx,
      );
      await this.trails.record(r, tx);
      return r;
    });
    this.units.apply(rows, true);
    this.events.emit(
      'units',
      rows.map((r) => ({ regionCode: r.homeRegionCode, live: unitLiveView(r) })),
    );
  }

  /** Live units in the principal's scope (by home region). */
  async liveUnits(principal: Principal): Promise<UnitLive[]> {
    authorize(principal, 'world:read');
    const prefix = scopeFilter(principal.scope);
    return [...(await this.units.fresh()).all()].filter((u) => u.homeRegionCode.startsWith(prefix)).map(unitLiveView);
  }

  private async unitOf(ctx: AuthContext): Promise<UnitRow> {
    const unitId = ctx.user?.unitId;
    const unit = unitId ? (await this.units.fresh()).get(unitId) : undefined;
    if (!unit) throw new HttpError(403, ErrorCode.AuthForbidden, 'this account belongs to no field unit');
    return unit;
  }
}
