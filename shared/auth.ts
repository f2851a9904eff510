/**
 * Identity on the wire (issue 4): roles, the login body, and region scopes. A scope is a region
 * code (GB/T 2260 style: city 6 digits ending in 00, district 6, street 9, community 12, grid 15);
 * a principal reads and acts only inside its scope's subtree.
 */
import { z } from 'zod';

/**
 * admin: users, keys, audit. commander: a leader; watches and commands. dispatcher: runs
 * incidents. field: a unit's member on a phone. wall: a display (read-only, long-lived token).
 * viewer: read-only.
 */
export const ROLES = ['admin', 'commander', 'dispatcher', 'field', 'wall', 'viewer'] as const;
export const role = z.enum(ROLES);
export type Role = z.infer<typeof role>;

export const loginBody = z.strictObject({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginBody = z.infer<typeof loginBody>;

/**
 * The part of a region code that its whole subtree shares: a 6-digit code ending in 0000 is a
 * province (2 digits), ending in 00 a city (4 digits); anything else is itself.
 */
export function scopePrefix(code: string): string {
  if (code.length === 6 && code.endsWith('0000')) return code.slice(0, 2);
  if (code.length === 6 && code.endsWith('00')) return code.slice(0, 4);
  return code;
}

/** Whether a region (or anything located in it) lies inside a scope's subtree. */
export function inScope(scope: string, regionCode: string): boolean {
  return regionCode.startsWith(scopePrefix(scope));
}
