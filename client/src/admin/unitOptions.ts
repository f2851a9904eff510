/**
 * The user form's unit picker (a field account belongs to one unit): the units the hub lists for
 * the admin (GET /admin/units, their scope), as options, and the scope a picked unit suggests.
 * Pure (tests/unit/admin-units.test.ts).
 */
import { inScope, type AdminUnit } from '@shared/auth';

// A type, not an interface: Naive UI's SelectOption wants an index signature.
export type UnitOption = {
  value: string;
  label: string;
  /** Another enabled field account has it (one per unit): shown, not pickable. */
  disabled: boolean;
};

/**
 * Options by kind, then callsign. `own`: the unit of the account being edited, pickable although
 * it is linked (to that very account). `label` words a unit in the screen's language.
 */
export function unitOptions(
  units: readonly AdminUnit[],
  own: string | null,
  label: (u: AdminUnit, taken: boolean) => string,
): UnitOption[] {
  return [...units]
    .sort(
      (a, b) =>
        a.kind.localeCompare(b.kind) || a.callsign.localeCompare(b.callsign, 'zh-CN') || a.id.localeCompare(b.id),
    )
    .map((u) => {
      const taken = u.linked && u.id !== own;
      return { value: u.id, label: label(u, taken), disabled: taken };
    });
}

/**
 * The account's scope once a unit is picked: a narrower scope the admin chose that holds the unit
 * stays; otherwise the unit's district (as the demo's field accounts have), or the admin's own
 * scope when the district is wider than it. The hub refuses a unit outside the account's scope.
 */
export function scopeForUnit(unitHome: string, scope: string, adminScope: string): string {
  if (scope && scope !== adminScope && inScope(scope, unitHome) && inScope(adminScope, scope)) return scope;
  const district = unitHome.slice(0, 6);
  return inScope(adminScope, district) ? district : adminScope;
}
