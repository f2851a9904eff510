/**
 * The one access policy (issue 4): who may do what to which object in which scope. Services ask
 * it; routes and socket handlers never decide on their own. A decision is a role check (the table
 * below) and, for anything located in a region, a scope check (the object's region lies in the
 * principal's subtree, see shared/auth.ts).
 */
import { inScope, type Role } from '../../shared/auth';
import { ErrorCode } from '../../shared/errors';
import { HttpError } from '../http-errors';

export const ACTIONS = [
  'session:self', // one's own session: read it
  'account:self', // one's own account: change the password, set up a second factor (not a wall display)
  'world:read', // the static city: summary, layers, basemap, camera cards
  'video:play', // open a camera's stream
  'alarm:read',
  'alarm:handle', // acknowledge, mark false
  'incident:read',
  'incident:create',
  'incident:dispatch', // assign units, escalate, merge, cancel
  'incident:field', // a unit's own assignment: accept, decline, arrive, resolve, report
  'incident:act', // take a step of an incident's loop (the service decides as whom: centre, unit, grid worker)
  'audit:read',
  'admin:manage', // users, roles, scopes, device keys, wall tokens
  'ingest:write', // post events (device keys)
] as const;
export type Action = (typeof ACTIONS)[number];

const READ: readonly Action[] = ['session:self', 'world:read', 'video:play', 'alarm:read', 'incident:read'];

/** A device key is a principal too, with one thing it may do. */
export type PrincipalRole = Role | 'device';

export const ROLE_ACTIONS: Readonly<Record<PrincipalRole, ReadonlySet<Action>>> = {
  admin: new Set<Action>([...READ, 'account:self', 'audit:read', 'admin:manage']),
  commander: new Set<Action>([...READ, 'account:self', 'alarm:handle', 'incident:create', 'incident:dispatch', 'incident:act', 'audit:read']),
  dispatcher: new Set<Action>([...READ, 'account:self', 'alarm:handle', 'incident:create', 'incident:dispatch', 'incident:act']),
  field: new Set<Action>(['session:self', 'account:self', 'world:read', 'video:play', 'incident:read', 'incident:create', 'incident:field', 'incident:act']),
  // A display: read-only, its password or token managed by an admin.
  wall: new Set<Action>(READ),
  viewer: new Set<Action>(['session:self', 'account:self', 'world:read', 'alarm:read', 'incident:read']),
  // Devices post events; a hotline system (12345) with a device key also posts its tickets as incidents.
  device: new Set<Action>(['ingest:write', 'incident:create']),
};

export interface Principal {
  /** User id, or the wall/device credential's id. */
  id: string;
  role: PrincipalRole;
  /** Region code of the subtree the principal may see and act in. */
  scope: string;
}

export type Decision = { allow: true } | { allow: false; reason: string };

/**
 * May `who` do `action`, on an object located in region `regionCode` (omit for objects that
 * belong to no region, e.g. the audit log, which then needs a city-wide scope's role alone)?
 */
export function decide(who: Principal, action: Action, regionCode?: string): Decision {
  if (!ROLE_ACTIONS[who.role].has(action)) return { allow: false, reason: `role ${who.role} may not ${action}` };
  if (regionCode !== undefined && !inScope(who.scope, regionCode)) {
    return { allow: false, reason: `region ${regionCode} lies outside scope ${who.scope}` };
  }
  return { allow: true };
}

/** decide(), throwing a 403 that says why when the answer is no (services call this). */
export function authorize(who: Principal, action: Action, regionCode?: string): void {
  const d = decide(who, action, regionCode);
  if (!d.allow) throw new HttpError(403, ErrorCode.AuthForbidden, d.reason);
}
