/**
 * Identity on the wire (issue 4): roles, region scopes, and the shapes of the auth and admin
 * endpoints. A scope is a region code (GB/T 2260 style: city 6 digits ending in 00, district 6,
 * street 9, community 12, grid 15); a principal reads and acts only inside its scope's subtree.
 */
import { z } from 'zod';
import { text } from './text';

/**
 * admin: users, keys, audit. commander: a leader; watches and commands. dispatcher: runs
 * incidents. field: a unit's member on a phone. wall: a display (read-only, long-lived token).
 * viewer: read-only.
 */
export const ROLES = ['admin', 'commander', 'dispatcher', 'field', 'wall', 'viewer'] as const;
export const role = z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` });
export type Role = z.infer<typeof role>;

/** A region code: 6 (city, district), 9 (street), 12 (community) or 15 (grid) digits. */
export const regionCode = text(32).regex(
  /^(\d{6}|\d{9}|\d{12}|\d{15})$/,
  'must be a region code of 6, 9, 12 or 15 digits',
);

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

// ---------------------------------------------------------------- login and session

export const username = text(64, { trim: true, min: 1 });

/** A one-time code from an authenticator app (RFC 6238, 6 digits). */
export const otpCode = text(32).regex(/^\d{6}$/, 'must be 6 digits');

export const loginBody = z.strictObject({
  username,
  password: text(256, { min: 1 }),
  /** Needed when the account has a second factor; the hub answers auth/otp-required without it. */
  otp: otpCode.optional(),
});
export type LoginBody = z.infer<typeof loginBody>;

/** A wall display signs in with its token (from the admin view, shown once). */
export const wallLoginBody = z.strictObject({
  token: text(200, { min: 1 }),
});
export type WallLoginBody = z.infer<typeof wallLoginBody>;

/** New passwords: at least 10 characters (GB/T 22239 asks for complexity; length is what counts). */
export const newPassword = text(256, { min: 10 });

export const passwordChangeBody = z.strictObject({ current: text(256, { min: 1 }), next: newPassword });
export type PasswordChangeBody = z.infer<typeof passwordChangeBody>;

export const totpCodeBody = z.strictObject({ code: otpCode });
export const totpSetupReply = z.object({
  /** Base32 secret, for typing into an authenticator app. */
  secret: z.string(),
  /** otpauth:// URI, for a QR code. */
  uri: z.string(),
});
export type TotpSetupReply = z.infer<typeof totpSetupReply>;

export const sessionUser = z.object({
  /** User id, or the wall token's id for a display. */
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role,
  scope: z.string(),
  /** The scope region's name, for the header. */
  scopeName: z.string(),
});
export type SessionUser = z.infer<typeof sessionUser>;

export const sessionInfo = z.object({
  user: sessionUser,
  /** 'password': a person signed in; 'wall': a display signed in with its token. */
  kind: z.enum(['password', 'wall']),
  /** Send in the X-CSRF-Token header of every POST, PUT, PATCH and DELETE. */
  csrfToken: z.string(),
  /** When the session ends whatever happens (ISO); null for a wall display. */
  expiresAt: z.string().nullable(),
  /** Seconds without a request after which the session ends; null for a wall display. */
  idleTimeoutSec: z.number().int().nullable(),
  /** True until an admin who must use a second factor has set it up: only the TOTP endpoints work. */
  mfaPending: z.boolean(),
  totpEnabled: z.boolean(),
});
export type SessionInfo = z.infer<typeof sessionInfo>;

/** Who a request is, whatever its credential (a device key too). */
export const whoami = z.object({
  kind: z.enum(['password', 'wall', 'device', 'integration']),
  id: z.string(),
  role: z.union([role, z.literal('device'), z.literal('integration')]),
  scope: z.string(),
});
export type Whoami = z.infer<typeof whoami>;

export const CSRF_HEADER = 'X-CSRF-Token';
/** Secrets' prefixes: a device key, a wall token, an integration key (another agency's system). */
export const DEVICE_KEY_PREFIX = 'cdk_';
export const WALL_TOKEN_PREFIX = 'cdw_';
export const INTEGRATION_KEY_PREFIX = 'cik_';
export const SESSION_COOKIE = 'cd_session';

// ---------------------------------------------------------------- admin: users, keys, wall tokens

const displayName = text(64, { trim: true, min: 1 });
/** Lower-case letters, digits, dot, dash, underscore; 2-64 characters. */
const newUsername = text(64).regex(
  /^[a-z0-9][a-z0-9._-]{1,63}$/,
  'must be 2-64 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit',
);

/** A unit's id, as a field account names the unit whose phone it is. */
const unitId = text(64, { trim: true, min: 1 });

/**
 * A field account belongs to one unit (its phone is that unit's: the unit's assignments, its
 * position); no other role has one. Checked where the body names the role.
 */
function fieldUnitRule(b: { role?: Role; unitId?: string }, ctx: z.RefinementCtx): void {
  if (b.role === 'field' && !b.unitId)
    ctx.addIssue({ code: 'custom', path: ['unitId'], message: 'a field account needs the unit whose phone it is' });
  if (b.role !== undefined && b.role !== 'field' && b.unitId !== undefined)
    ctx.addIssue({ code: 'custom', path: ['unitId'], message: 'only a field account belongs to a unit' });
}

export const userView = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role,
  scope: z.string(),
  scopeName: z.string(),
  disabled: z.boolean(),
  totpEnabled: z.boolean(),
  /** Seeded by the demo city (the hub refuses to start in production while one exists). */
  demo: z.boolean(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
  /** Open sessions right now. */
  sessions: z.number().int(),
  /** A field account's unit (null for every other role). */
  unit: z.object({ id: z.string(), callsign: z.string() }).nullable(),
});
export type UserView = z.infer<typeof userView>;
export const userList = z.object({ users: z.array(userView) });

export const createUserBody = z
  .strictObject({
    username: newUsername,
    displayName,
    role,
    scope: regionCode,
    password: newPassword,
    /** Role field only, and required there: a unit inside the admin's scope and the account's. */
    unitId: unitId.optional(),
  })
  .superRefine(fieldUnitRule);
export type CreateUserBody = z.infer<typeof createUserBody>;

/** Any subset; changing role, scope, password or disabling ends the user's sessions and sockets. */
export const updateUserBody = z
  .strictObject({
    displayName: displayName.optional(),
    role: role.optional(),
    scope: regionCode.optional(),
    disabled: z.boolean({ error: 'must be true or false' }).optional(),
    password: newPassword.optional(),
    /** Remove the user's second factor (a lost phone); they set it up again at next sign-in. */
    resetTotp: z.literal(true, { error: 'must be true' }).optional(),
    /** Link a field account to another unit (changing the role away from field unlinks it). */
    unitId: unitId.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give at least one field to change')
  .superRefine((b, ctx) => {
    // A role named here other than field: no unit. A role field named without a unit is decided
    // by the hub, which knows whether the account has one already.
    if (b.role !== undefined && b.role !== 'field' && b.unitId !== undefined) fieldUnitRule(b, ctx);
  });
export type UpdateUserBody = z.infer<typeof updateUserBody>;

export const credentialView = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.string(),
  scopeName: z.string(),
  /** The first characters of the secret, to tell keys apart; the secret itself is never stored. */
  prefix: z.string(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type CredentialView = z.infer<typeof credentialView>;
export const credentialList = z.object({ items: z.array(credentialView) });

export const createCredentialBody = z.strictObject({ name: displayName, scope: regionCode });
export type CreateCredentialBody = z.infer<typeof createCredentialBody>;

/** The answer to creating a device key or wall token: the secret, shown this once. */
export const createdCredential = z.object({ item: credentialView, secret: z.string() });
export type CreatedCredential = z.infer<typeof createdCredential>;

/** A unit an admin may give a field account (GET /admin/units): those homed inside their scope. */
export const adminUnit = z.object({
  id: z.string(),
  callsign: z.string(),
  kind: z.string(),
  /** Where the unit is homed: the account's scope must hold it. */
  homeRegionCode: z.string(),
  /** An enabled field account has it already (one per unit). */
  linked: z.boolean(),
});
export type AdminUnit = z.infer<typeof adminUnit>;
export const adminUnitList = z.object({ units: z.array(adminUnit) });

// ---------------------------------------------------------------- admin: audit

export const AUDIT_OUTCOMES = ['ok', 'denied', 'failed'] as const;

export const auditRecordView = z.object({
  seq: z.number().int(),
  at: z.string(),
  /** 'user:<id>', 'wall:<id>', 'device:<id>', or null (an unknown user's failed login). */
  actor: z.string().nullable(),
  /** The actor's name at the time (a username), for reading. */
  actorName: z.string().nullable(),
  action: z.string(),
  target: z.string().nullable(),
  address: z.string().nullable(),
  outcome: z.enum(AUDIT_OUTCOMES),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditRecordView = z.infer<typeof auditRecordView>;

/** Query string of GET /admin/audit: every field optional; `before` pages back by seq. */
export const auditQuery = z.strictObject({
  /** Matches the actor's name or id. */
  actor: text(100).optional(),
  /** An action name, or its prefix ending in ':' or '.' (e.g. 'auth.'). */
  action: text(100).optional(),
  outcome: z.enum(AUDIT_OUTCOMES, { error: `must be one of ${AUDIT_OUTCOMES.join(', ')}` }).optional(),
  from: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with offset' }).optional(),
  to: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with offset' }).optional(),
  /** Free text over target, address and details. */
  q: text(200).optional(),
  before: z.coerce.number({ error: 'must be a number' }).int().positive().optional(),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int()
    .min(1, 'must be 1-200')
    .max(200, 'must be 1-200')
    .default(50),
});
export type AuditQuery = z.infer<typeof auditQuery>;

export const auditPage = z.object({ records: z.array(auditRecordView), nextBefore: z.number().int().nullable() });
export type AuditPage = z.infer<typeof auditPage>;

export const auditVerify = z.union([
  z.object({ ok: z.literal(true), count: z.number().int() }),
  z.object({ ok: z.literal(false), seq: z.number().int(), reason: z.string() }),
]);
export type AuditVerify = z.infer<typeof auditVerify>;
