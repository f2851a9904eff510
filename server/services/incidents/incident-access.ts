/**
 * Who may do what to one incident (policy.ts, issue 13), for every incident service: a field
 * member's own unit's incidents wherever they lie, anything else inside the scope; who the
 * principal is to an incident (the centre, a unit on it, the grid worker who verifies); what they
 * may do now; which units they may dispatch. Reads the unit index as it is: callers refresh it
 * before opening a transaction (on PGlite's single connection a read outside the transaction would
 * wait for it forever).
 */
import type { AuthContext } from '@server/auth/context';
import type { IncidentRow } from '@server/repositories/incident.repository';
import type { UnitRow } from '@server/repositories/unit.repository';
import type { UnitIndex } from '../unit-index';
import { authorize, authorizeObject, decide, type Action, type Principal } from '@server/auth/policy';
import { HttpError } from '@server/core/http-errors';
import { activeUnits, stateOf, unitAssignment } from '@shared/incident-facts';
import { ErrorCode } from '@shared/errors';
import { allowedActions, type IncidentAction, type IncidentActor } from '@shared/incident-machine';

export class IncidentAccess {
  constructor(private readonly units: UnitIndex) {}

  /** One incident against the principal. The refusal names the incident as the caller did (`what`), nothing of it. */
  check(ctx: AuthContext, row: IncidentRow, action: Action, what: string): void {
    if (this.ownUnitsIncident(ctx, row)) authorize(ctx.principal, action);
    else authorizeObject(ctx.principal, action, what, row.gridCode);
  }

  /** check() as a yes or no (what an answer may mention, what a list may hold). */
  canSee(ctx: AuthContext, row: IncidentRow, action: Action = 'incident:read'): boolean {
    return this.ownUnitsIncident(ctx, row)
      ? decide(ctx.principal, action).allow
      : decide(ctx.principal, action, row.gridCode).allow;
  }

  private ownUnitsIncident(ctx: AuthContext, row: IncidentRow): boolean {
    const unitId = ctx.user?.unitId;
    return ctx.principal.role === 'field' && !!unitId && row.assignments.some((a) => a.unitId === unitId);
  }

  /** Who the principal is to this incident: the centre, a unit assigned to it, or the grid worker who verifies (403 otherwise). */
  actorFor(ctx: AuthContext, row: IncidentRow): IncidentActor {
    const role = ctx.principal.role;
    if (role === 'dispatcher' || role === 'commander') {
      authorizeObject(ctx.principal, 'incident:dispatch', `incident ${row.id}`, row.gridCode);
      return 'centre';
    }
    if (role === 'field') {
      authorize(ctx.principal, 'incident:field');
      const unitId = ctx.user?.unitId;
      if (!unitId) throw new HttpError(403, ErrorCode.AuthForbidden, 'this field account has no unit');
      const unit = this.units.get(unitId);
      // A grid worker verifies what lies in their street, but never work their own unit did.
      const workedOnIt = row.assignments.some((a) => a.unitId === unitId && a.status !== 'declined');
      if (unit?.kind === 'grid_worker' && !workedOnIt && inReach(unit, row.gridCode)) return 'grid_worker';
      // A unit acts on its own assignments only (the machine checks accept, decline and arrive by
      // unit; resolving someone else's work must not pass as the unit's).
      if (!workedOnIt)
        throw new HttpError(403, ErrorCode.AuthForbidden, `incident ${row.id} is not assigned to unit ${unitId}`);
      return 'unit';
    }
    throw new HttpError(403, ErrorCode.AuthForbidden, `role ${role} may not act on incidents`);
  }

  /** What the principal may do now (none when it may read but not act). */
  actionsOf(ctx: AuthContext, row: IncidentRow): IncidentAction[] {
    let actor: IncidentActor;
    try {
      actor = this.actorFor(ctx, row);
    } catch {
      return []; // may read, may not act
    }
    return actionsFor(row, actor, ctx.user?.unitId);
  }

  /**
   * A unit lies in its home region: a district dispatches only the units homed in it; a unit homed
   * at the city level, or in another district, only a city-wide scope.
   */
  checkUnits(who: Principal, rows: readonly UnitRow[]): void {
    for (const u of rows) authorizeObject(who, 'incident:dispatch', `unit ${u.id}`, u.homeRegionCode);
  }
}

/**
 * What an actor may do now: the machine's allowed actions, and for a unit only those its own
 * assignment still needs (accepted already: no accept or decline; on scene: no arrive).
 */
export function actionsFor(
  row: IncidentRow,
  actor: IncidentActor,
  unitId: string | null | undefined,
): IncidentAction[] {
  const all = allowedActions(stateOf(row), actor);
  if (actor !== 'unit' || !unitId) return all;
  const current = unitAssignment(row.assignments, unitId);
  const mine = current && activeUnits([current]).length ? current : null;
  if (!mine) return all.filter((a) => a !== 'unit_accept' && a !== 'unit_decline' && a !== 'arrive');
  return all.filter((a) => {
    if (a === 'unit_accept' || a === 'unit_decline') return mine.status === 'assigned';
    if (a === 'arrive') return mine.status === 'accepted';
    return true;
  });
}

/** Where a grid worker verifies: their street (grids without a worker of their own are covered by the community's or the street's). */
export function reachOf(unit: UnitRow): string {
  return unit.homeRegionCode.slice(0, 9);
}

function inReach(unit: UnitRow, gridCode: string): boolean {
  return gridCode.startsWith(reachOf(unit));
}
