/**
 * Which unit a field account belongs to (issue 15): the units an admin may give an account, and
 * the checks of a link. A field account is a unit's phone: it sees and acts on that unit's
 * assignments and sends its position, so a unit has at most one enabled field account (two phones
 * would send two positions for one unit, and a shared crew shares its phone). The unit must lie in
 * the admin's scope (per object, as every object an action touches) and in the account's own scope
 * (an account whose unit lies outside what it may see makes no sense).
 */
import type { Db } from '@server/db/connect';
import type { IdentityRepository } from '@server/repositories/identity.repository';
import type { UnitRepository, UnitRow } from '@server/repositories/unit.repository';
import { authorize, authorizeObject, scopeFilter } from '@server/auth/policy';
import type { AuthContext } from '@server/auth/context';
import { HttpError } from '@server/core/http-errors';
import { inScope, type AdminUnit } from '@shared/auth';
import { ErrorCode } from '@shared/errors';

export class FieldUnits {
  constructor(
    private readonly identity: IdentityRepository,
    private readonly units: UnitRepository,
  ) {}

  /** The units homed inside the admin's scope, by id, each saying whether an account has it. */
  async linkable(ctx: AuthContext): Promise<AdminUnit[]> {
    authorize(ctx.principal, 'admin:manage');
    const prefix = scopeFilter(ctx.principal.scope);
    const [rows, linked] = await Promise.all([this.units.all(), this.identity.linkedUnitIds()]);
    return rows
      .filter((u) => u.homeRegionCode.startsWith(prefix))
      .map((u) => ({
        id: u.id,
        callsign: u.callsign,
        kind: u.kind,
        homeRegionCode: u.homeRegionCode,
        linked: linked.has(u.id),
      }));
  }

  /**
   * Before the write: the unit exists, lies in the admin's scope (403 naming only the id given and
   * the admin's scope, nothing of the unit) and in the account's scope.
   */
  async check(ctx: AuthContext, unitId: string, accountScope: string): Promise<UnitRow> {
    const unit = (await this.units.byIds([unitId]))[0];
    if (!unit)
      throw new HttpError(400, ErrorCode.UnitNotFound, `body.unitId: no unit ${JSON.stringify(unitId)}`, {
        issues: [{ path: 'body.unitId', message: 'no such unit' }],
      });
    authorizeObject(ctx.principal, 'admin:manage', `body.unitId: unit ${JSON.stringify(unitId)}`, unit.homeRegionCode);
    if (!inScope(accountScope, unit.homeRegionCode))
      throw new HttpError(
        400,
        ErrorCode.RequestInvalid,
        `body.unitId: unit ${unit.callsign} (${unit.id}) lies outside the account's scope ${accountScope}`,
        { issues: [{ path: 'body.unitId', message: `lies outside the account's scope ${accountScope}` }] },
      );
    return unit;
  }

  /**
   * Inside the write's transaction: the unit's row locked (two admins linking one unit at once
   * take turns), and no other enabled field account of it (409).
   */
  async claim(unit: UnitRow, userId: string, tx: Db): Promise<void> {
    await this.units.forUpdate([unit.id], tx);
    if (await this.identity.otherFieldUserOf(unit.id, userId, tx))
      throw new HttpError(
        409,
        ErrorCode.UnitTaken,
        `body.unitId: unit ${unit.callsign} (${unit.id}) has an enabled field account already; disable it first`,
      );
  }
}
