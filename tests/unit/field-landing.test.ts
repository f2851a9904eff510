import { describe, expect, it } from 'vitest';
import { ROLES } from '@shared/auth';
import { FIELD_HOME, WALL_HOME, homePath } from '@client/auth/landing';

describe('homePath', () => {
  it('starts a field unit member on the field page, a wall on the wall, everyone else on the desk', () => {
    expect(Object.fromEntries(ROLES.map((r) => [r, homePath(r)]))).toEqual({
      admin: '/',
      commander: '/',
      dispatcher: '/',
      field: FIELD_HOME,
      wall: WALL_HOME,
      viewer: '/',
    });
    expect(FIELD_HOME).toBe('/field');
    expect(WALL_HOME).toBe('/wall');
  });

  it('sends a page with no session yet to the desk, as before', () => {
    expect(homePath(null)).toBe('/');
    expect(homePath(undefined)).toBe('/');
  });
});
