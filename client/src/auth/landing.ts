/**
 * Where a signed-in person starts: a field unit's member on the phone page of their assignments,
 * a wall display on the wall (issue 17), everyone else on the desk ('/', which redirects there). Pure, so the guard and the sign-in page
 * agree and a test can say so (tests/unit/field-landing.test.ts).
 */
import type { Role } from '@shared/auth';

export const FIELD_HOME = '/field';
export const WALL_HOME = '/wall';

export function homePath(role: Role | null | undefined): string {
  return role === 'field' ? FIELD_HOME : role === 'wall' ? WALL_HOME : '/';
}
