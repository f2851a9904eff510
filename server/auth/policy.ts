/**
 * The one access policy (issue 4): who may do what to which object in which scope. Services ask
 * it; routes and socket handlers never decide on their own. A decision is a role check (the table
 * below) and, for anything located in a region, a scope check (the object's region lies in the
 * principal's subtree, see shared/auth.ts).
 */
import { inScope, scopePrefix, type Role } from '@shared/auth';
import { ErrorCode } from '@shared/errors';
import { HttpError } from '../core/http-errors';

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
  'incident:reveal', // see a masked ID number or phone in full, audited (which field: shared/personal-data.ts)
  'audit:read',
  'admin:manage', // users, roles, scopes, device keys, wall tokens
  'ingest:write', // post events (device keys)
  'stats:read', // the figures (KPIs, per-grid analysis, heat) of the scope
  'event:read', // major security events (issue 17): their plans, the leader view, the report
  'event:manage', // plan, change and close a major security event in the scope (commanders)
  'cap:read', // the scope's alarms and incidents as OASIS CAP 1.2 messages and their Atom index (issue 18)
  'open311:read', // Open311 GeoReport v2: the service list and the requests filed in the scope
  'open311:write', // Open311 GeoReport v2: file a citizen's request
] as const;
export type Action = (typeof ACTIONS)[number];

const READ: readonly Action[] = [
  'session:self',
  'world:read',
  'video:play',
  'alarm:read',
  'incident:read',
  'stats:read',
  'event:read',
  'cap:read',
];

/**
 * A device key is a principal too, with one thing it may do; so is an integration key (issue 18):
 * another agency's system reading CAP or filing Open311 requests inside the key's scope.
 */
export type PrincipalRole = Role | 'device' | 'integration';

export const ROLE_ACTIONS: Readonly<Record<PrincipalRole, ReadonlySet<Action>>> = {
  admin: new Set<Action>([...READ, 'account:self', 'audit:read', 'admin:manage']),
  commander: new Set<Action>([
    ...READ,
    'account:self',
    'alarm:handle',
    'incident:create',
    'incident:dispatch',
    'incident:act',
    'incident:reveal',
    'audit:read',
    'event:manage',
  ]),
  dispatcher: new Set<Action>([
    ...READ,
    'account:self',
    'alarm:handle',
    'incident:create',
    'incident:dispatch',
    'incident:act',
    'incident:reveal',
  ]),
  field: new Set<Action>([
    'session:self',
    'account:self',
    'world:read',
    'video:play',
    'incident:read',
    'incident:create',
    'incident:field',
    'incident:act',
  ]),
  // A display: read-only, its password or token managed by an admin.
  wall: new Set<Action>(READ),
  viewer: new Set<Action>([
    'session:self',
    'account:self',
    'world:read',
    'alarm:read',
    'incident:read',
    'stats:read',
    'event:read',
    'cap:read',
  ]),
  // Devices post events; a hotline system (12345) with a device key also posts its tickets as incidents.
  device: new Set<Action>(['ingest:write', 'incident:create']),
  integration: new Set<Action>(['cap:read', 'open311:read', 'open311:write']),
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

/*
 * Region scope of every object an action touches (issue 13). What we decided:
 *
 * - Security is checked per object, not per route: a service checks EVERY object a request reads
 *   or touches (the incident, each unit dispatched, the incident merged into, the alarm attached or
 *   turned into an incident, the photo, the user or key) against the principal's scope before it
 *   does anything else with it: before the version check (a stale 409 carries the current incident,
 *   so it is reached only in scope), before the state machine, before the other objects' checks.
 * - Out of scope is 403 `auth/forbidden`, on every path: the answer GET /incidents/:id has always
 *   given. 404 stays for an object that does not exist. Ids are random UUIDs (units' ids are listed to
 *   whoever may dispatch them), so a 404 would hide little, while a 403 tells a dispatcher that the
 *   object is another district's rather than gone.
 * - A refusal names only what the caller sent (the object's id) and the caller's own scope: never the
 *   object's region, code, title or anything else of it (`authorizeObject`).
 * - A unit lies in its home region (`units.home_region_code`: a grid worker's grid, a police officer's
 *   street, a car's or a crew's district), wherever it stands now. A district dispatcher dispatches,
 *   and is proposed, only units homed in the district; a unit homed at the city level or in another
 *   district only by a city-wide scope: help across a district boundary goes through the city's
 *   dispatcher (or an escalation), never from one district straight into another.
 * - A field member reads and acts on the incidents their own unit is assigned to wherever they lie
 *   (the city may send a unit across a boundary); anything else only inside their scope, and acts
 *   only on their own assignments (or, a grid worker, verifies in their reach).
 * - An object with no region of its own takes its owners': a photo lies where the incidents that
 *   show it lie (one no incident holds yet belongs to its uploader alone); an alarm's incident where
 *   the incident lies. Lists (proposals, merge candidates, nearby alarms, cameras) leave out objects
 *   outside the scope.
 */

/**
 * The region prefix a query filters a scope's rows by: the scope's own prefix, or '' for a
 * city-wide scope (everything in the database is one city).
 */
export function scopeFilter(scope: string): string {
  const p = scopePrefix(scope);
  return p.length > 4 ? p : '';
}

/** Whether an object located in `regionCode` lies in the principal's scope (for filtering lists). */
export function sees(who: Principal, regionCode: string): boolean {
  return inScope(who.scope, regionCode);
}

/**
 * authorize() for one object (`what`: how the caller named it, e.g. `incident <id>`): the 403 names
 * the object as the caller did and the caller's scope, never the object's region or other fields.
 */
export function authorizeObject(who: Principal, action: Action, what: string, regionCode: string): void {
  if (!ROLE_ACTIONS[who.role].has(action))
    throw new HttpError(403, ErrorCode.AuthForbidden, `role ${who.role} may not ${action}`);
  if (!inScope(who.scope, regionCode))
    throw new HttpError(403, ErrorCode.AuthForbidden, `${what} lies outside scope ${who.scope}`);
}
