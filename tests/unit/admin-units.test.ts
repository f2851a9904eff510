import { describe, expect, it } from 'vitest';
import type { AdminUnit } from '@shared/auth';
import { createUserBody, updateUserBody } from '@shared/auth';
import { scopeForUnit, unitOptions } from '@client/admin/unitOptions';

const unit = (id: string, kind: string, callsign: string, linked = false): AdminUnit => ({
  id,
  kind,
  callsign,
  homeRegionCode: '360102001',
  linked,
});

describe('unitOptions', () => {
  const units = [
    unit('unit-police-0002', 'police', '民警02', true),
    unit('unit-grid_worker-0003', 'grid_worker', '网格员03'),
    unit('unit-police-0003', 'police', '民警03'),
  ];
  const label = (u: AdminUnit, taken: boolean) => `${u.callsign}${taken ? ' (taken)' : ''}`;

  it('lists by kind then callsign; a unit with another account is shown but not pickable', () => {
    expect(unitOptions(units, null, label)).toEqual([
      { value: 'unit-grid_worker-0003', label: '网格员03', disabled: false },
      { value: 'unit-police-0002', label: '民警02 (taken)', disabled: true },
      { value: 'unit-police-0003', label: '民警03', disabled: false },
    ]);
  });

  it("keeps the edited account's own unit pickable", () => {
    expect(unitOptions(units, 'unit-police-0002', label)[1]).toEqual({
      value: 'unit-police-0002',
      label: '民警02',
      disabled: false,
    });
  });
});

describe('scopeForUnit', () => {
  it.each([
    // The city's default scope: narrowed to the unit's district.
    ['360102001005005', '360100', '360100', '360102'],
    // Nothing chosen yet.
    ['360102001005005', '', '360100', '360102'],
    // A narrower scope that holds the unit stays.
    ['360102001005005', '360102001', '360100', '360102001'],
    // One that does not hold it moves to the unit's district.
    ['360102001005005', '360103', '360100', '360102'],
    // A street admin cannot hand out the district: their own scope.
    ['360102001005005', '360102001', '360102001', '360102001'],
    ['360102001005005', '', '360102001', '360102001'],
  ])('unit %s, scope %j, admin %s → %s', (home, scope, admin, expected) => {
    expect(scopeForUnit(home, scope, admin)).toBe(expected);
  });
});

describe('the field unit rule of the user bodies', () => {
  const base = { username: 'officer', displayName: '警员', scope: '360102', password: 'officer-pass-1' };
  const issue = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
    r.success ? null : r.error!.issues[0]!.path.join('.');

  it('asks a field account for its unit, and refuses one for any other role', () => {
    expect(createUserBody.safeParse({ ...base, role: 'field', unitId: 'unit-police-0003' }).success).toBe(true);
    expect(issue(createUserBody.safeParse({ ...base, role: 'field' }))).toBe('unitId');
    expect(issue(createUserBody.safeParse({ ...base, role: 'field', unitId: '  ' }))).toBe('unitId');
    expect(issue(createUserBody.safeParse({ ...base, role: 'viewer', unitId: 'unit-police-0003' }))).toBe('unitId');
    expect(createUserBody.safeParse({ ...base, role: 'viewer' }).success).toBe(true);
  });

  it('lets a change move the unit, and refuses a unit with a role other than field', () => {
    expect(updateUserBody.safeParse({ unitId: 'unit-police-0004' }).success).toBe(true);
    expect(updateUserBody.safeParse({ role: 'field', unitId: 'unit-police-0004' }).success).toBe(true);
    expect(issue(updateUserBody.safeParse({ role: 'dispatcher', unitId: 'unit-police-0004' }))).toBe('unitId');
  });
});
