/**
 * Administration: users (role, scope, password, second factor, disabling), device keys and wall
 * tokens. An admin manages only what lies inside their own scope and can hand out no scope
 * outside it. Every change is audited; a change that alters what a user may see (role, scope,
 * password, disabling, unit) ends that user's sessions, so no screen keeps data it should no longer
 * have. A field account belongs to one unit (field-units.ts).
 */
import { randomUUID } from 'node:crypto';
import type { IdentityRepository, UserRow, CredentialRow } from '../repositories/identity.repository';
import type { UnitRow } from '../repositories/unit.repository';
import type { Db } from '../db/connect';
import type { AuditService } from './audit.service';
import type { FieldUnits } from './field-units';
import type { AuthService } from './auth.service';
import { actorOf, type AuthContext, type RequestMeta } from '../auth/context';
import { newSecret, sha256 } from '../auth/secrets';
import type { Clock } from '../core/clock';
import { authorize } from '../auth/policy';
import { hashPassword } from '../auth/password';
import { HttpError } from '../core/http-errors';
import { ErrorCode } from '@shared/errors';
import {
  DEVICE_KEY_PREFIX,
  inScope,
  INTEGRATION_KEY_PREFIX,
  WALL_TOKEN_PREFIX,
  type AdminUnit,
  type CreateCredentialBody,
  type CreateUserBody,
  type CreatedCredential,
  type CredentialView,
  type UpdateUserBody,
  type UserView,
} from '@shared/auth';
import type { SessionEndReason } from '@shared/events';

export type CredentialKind = CredentialRow['kind'];
const SECRET_PREFIX: Record<CredentialKind, string> = {
  device: DEVICE_KEY_PREFIX,
  wall: WALL_TOKEN_PREFIX,
  integration: INTEGRATION_KEY_PREFIX,
};
const AUDIT_NAME: Record<CredentialKind, string> = {
  device: 'device-key',
  wall: 'wall-token',
  integration: 'integration-key',
};

export class AdminService {
  constructor(
    private readonly repo: IdentityRepository,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly fieldUnits: FieldUnits,
    private readonly transact: <T>(fn: (tx: Db) => Promise<T>) => Promise<T>,
  ) {}

  // ---------------------------------------------------------------- users

  async listUsers(ctx: AuthContext): Promise<UserView[]> {
    authorize(ctx.principal, 'admin:manage');
    const rows = (await this.repo.users()).filter((u) => inScope(ctx.principal.scope, u.scope));
    const [names, open, callsigns] = await Promise.all([
      this.repo.regionNames(rows.map((u) => u.scope)),
      this.repo.openSessionCounts(new Date(this.clock.now())),
      this.repo.unitCallsigns(rows.map((u) => u.unitId)),
    ]);
    return rows.map((u) => userView(u, names.get(u.scope) ?? u.scope, open.get(u.id) ?? 0, callsigns));
  }

  /** The units a field account may be given: those homed inside the admin's scope. */
  linkableUnits(ctx: AuthContext): Promise<AdminUnit[]> {
    return this.fieldUnits.linkable(ctx);
  }

  async createUser(ctx: AuthContext, body: CreateUserBody, meta: RequestMeta): Promise<UserView> {
    authorize(ctx.principal, 'admin:manage', body.scope);
    const scopeName = await this.requireRegion(body.scope, 'body.scope');
    if (await this.repo.userByName(body.username))
      throw new HttpError(
        409,
        ErrorCode.UserExists,
        `body.username: a user named ${JSON.stringify(body.username)} exists already`,
      );
    // The schema has paired the role and the unit already (a field account has one, no other).
    const unit =
      body.role === 'field' && body.unitId ? await this.fieldUnits.check(ctx, body.unitId, body.scope) : null;
    const row = {
      id: randomUUID(),
      username: body.username,
      displayName: body.displayName,
      role: body.role,
      scope: body.scope,
      passwordHash: await hashPassword(body.password),
      demo: false,
      unitId: unit?.id ?? null,
    };
    await this.transact(async (tx) => {
      if (unit) await this.fieldUnits.claim(unit, row.id, tx);
      await this.repo.insertUsers([row], tx);
    });
    await this.audit.record({
      actor: actorOf(ctx),
      actorName: ctx.name,
      action: 'user.create',
      target: `user:${row.id}`,
      address: meta.address,
      outcome: 'ok',
      details: { username: row.username, role: row.role, scope: row.scope, ...(unit ? { unit: unit.id } : {}) },
    });
    return userView((await this.repo.userById(row.id))!, scopeName, 0, unitNames(unit));
  }

  async updateUser(ctx: AuthContext, id: string, body: UpdateUserBody, meta: RequestMeta): Promise<UserView> {
    const user = await this.userInScope(ctx, id);
    if (body.scope !== undefined) {
      authorize(ctx.principal, 'admin:manage', body.scope);
      await this.requireRegion(body.scope, 'body.scope');
    }
    if (
      user.id === ctx.principal.id &&
      (body.disabled === true || (body.role !== undefined && body.role !== 'admin') || body.scope !== undefined)
    ) {
      throw new HttpError(
        409,
        ErrorCode.RequestInvalid,
        'an admin cannot disable themselves or change their own role or scope (ask another admin)',
      );
    }
    const set: Partial<UserRow> = {};
    if (body.displayName !== undefined) set.displayName = body.displayName;
    if (body.role !== undefined) set.role = body.role;
    if (body.scope !== undefined) set.scope = body.scope;
    if (body.disabled !== undefined) set.disabled = body.disabled;
    if (body.password !== undefined) set.passwordHash = await hashPassword(body.password);
    if (body.resetTotp) Object.assign(set, { totpEnabled: false, totpSecret: null, totpLastStep: null });
    const unit = await this.unitAfter(ctx, user, body);
    if (unit !== undefined) set.unitId = unit?.id ?? null;
    const updated = await this.transact(async (tx) => {
      if (unit && !(body.disabled ?? user.disabled)) await this.fieldUnits.claim(unit, user.id, tx);
      return (await this.repo.updateUser(user.id, set, tx))!;
    });

    const changed = Object.keys(body).filter((k) => k !== 'password');
    let reason: SessionEndReason | null = null;
    if (body.disabled === true) reason = 'revoked';
    else if (
      (body.role !== undefined && body.role !== user.role) ||
      (body.scope !== undefined && body.scope !== user.scope) ||
      updated.unitId !== user.unitId ||
      body.password !== undefined ||
      body.resetTotp
    )
      reason = 'changed';
    const ended = reason ? await this.auth.endSessionsOf({ userId: user.id }, reason) : 0;
    await this.audit.record({
      actor: actorOf(ctx),
      actorName: ctx.name,
      action: 'user.update',
      target: `user:${user.id}`,
      address: meta.address,
      outcome: 'ok',
      details: {
        username: user.username,
        changed: body.password !== undefined ? [...changed, 'password'] : changed,
        ...(body.role !== undefined ? { role: [user.role, body.role] } : {}),
        ...(body.scope !== undefined ? { scope: [user.scope, body.scope] } : {}),
        ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
        ...(updated.unitId !== user.unitId ? { unit: [user.unitId, updated.unitId] } : {}),
        sessionsEnded: ended,
      },
    });
    const names = await this.repo.regionNames([updated.scope]);
    const open = (await this.repo.openSessionCounts(new Date(this.clock.now()))).get(updated.id) ?? 0;
    const callsigns = await this.repo.unitCallsigns([updated.unitId]);
    return userView(updated, names.get(updated.scope) ?? updated.scope, open, callsigns);
  }

  /**
   * The unit a change leaves the account with, checked: undefined when the link stays as it is,
   * null when it goes (the role is no longer field). Checked again whenever what it depends on
   * changes (role, unit, scope, enabling), so no change ends with a field account holding a unit
   * out of scope or a second enabled account on one unit.
   */
  private async unitAfter(ctx: AuthContext, user: UserRow, body: UpdateUserBody): Promise<UnitRow | null | undefined> {
    const role = body.role ?? user.role;
    if (role !== 'field') {
      if (body.unitId !== undefined) throw unitProblem('only a field account belongs to a unit');
      return user.unitId ? null : undefined;
    }
    const relink =
      body.unitId !== undefined || body.role !== undefined || body.scope !== undefined || body.disabled === false;
    if (!relink) return undefined;
    const unitId = body.unitId ?? user.unitId;
    if (!unitId) throw unitProblem('a field account needs the unit whose phone it is');
    return this.fieldUnits.check(ctx, unitId, body.scope ?? user.scope);
  }

  /** "Sign out everywhere": end every session of a user now. */
  async endUserSessions(ctx: AuthContext, id: string, meta: RequestMeta): Promise<number> {
    const user = await this.userInScope(ctx, id);
    const n = await this.auth.endSessionsOf({ userId: user.id }, 'revoked');
    await this.audit.record({
      actor: actorOf(ctx),
      actorName: ctx.name,
      action: 'user.sessions-end',
      target: `user:${user.id}`,
      address: meta.address,
      outcome: 'ok',
      details: { username: user.username, sessionsEnded: n },
    });
    return n;
  }

  private async userInScope(ctx: AuthContext, id: string): Promise<UserRow> {
    authorize(ctx.principal, 'admin:manage');
    const user = /^[0-9a-f-]{36}$/i.test(id) ? await this.repo.userById(id) : undefined;
    if (!user) throw new HttpError(404, ErrorCode.UserNotFound, `no user with id ${JSON.stringify(id)}`);
    authorize(ctx.principal, 'admin:manage', user.scope);
    return user;
  }

  private async requireRegion(code: string, field: string): Promise<string> {
    const name = await this.repo.regionName(code);
    if (name === undefined)
      throw new HttpError(400, ErrorCode.RequestInvalid, `${field}: no region has the code ${code}`, {
        issues: [{ path: field, message: `no region has the code ${code}` }],
      });
    return name;
  }

  // ---------------------------------------------------------------- device keys and wall tokens

  async listCredentials(ctx: AuthContext, kind: CredentialKind): Promise<CredentialView[]> {
    authorize(ctx.principal, 'admin:manage');
    const rows = (await this.repo.credentials(kind)).filter((c) => inScope(ctx.principal.scope, c.scope));
    const names = await this.repo.regionNames(rows.map((c) => c.scope));
    return rows.map((c) => credentialView(c, names.get(c.scope) ?? c.scope));
  }

  /** A new key or token: the secret is in this answer and nowhere else (only its hash is kept). */
  async createCredential(
    ctx: AuthContext,
    kind: CredentialKind,
    body: CreateCredentialBody,
    meta: RequestMeta,
  ): Promise<CreatedCredential> {
    authorize(ctx.principal, 'admin:manage', body.scope);
    const scopeName = await this.requireRegion(body.scope, 'body.scope');
    const secret = newSecret(SECRET_PREFIX[kind]);
    const row = await this.repo.insertCredential({
      id: randomUUID(),
      kind,
      name: body.name,
      scope: body.scope,
      prefix: secret.slice(0, 10),
      secretHash: sha256(secret),
      createdAt: new Date(this.clock.now()),
      createdBy: ctx.name,
    });
    await this.audit.record({
      actor: actorOf(ctx),
      actorName: ctx.name,
      action: `${AUDIT_NAME[kind]}.create`,
      target: `${kind}:${row.id}`,
      address: meta.address,
      outcome: 'ok',
      details: { name: row.name, scope: row.scope, prefix: row.prefix },
    });
    return { item: credentialView(row, scopeName), secret };
  }

  async revokeCredential(ctx: AuthContext, kind: CredentialKind, id: string, meta: RequestMeta): Promise<void> {
    authorize(ctx.principal, 'admin:manage');
    const cred = /^[0-9a-f-]{36}$/i.test(id) ? await this.repo.credentialById(id) : undefined;
    if (!cred || cred.kind !== kind)
      throw new HttpError(404, ErrorCode.CredentialNotFound, `no ${AUDIT_NAME[kind]} with id ${JSON.stringify(id)}`);
    authorize(ctx.principal, 'admin:manage', cred.scope);
    if (cred.revokedAt) return; // revoking twice is the same as once
    await this.repo.revokeCredential(cred.id, new Date(this.clock.now()));
    const ended = kind === 'wall' ? await this.auth.endSessionsOf({ credentialId: cred.id }, 'revoked') : 0;
    await this.audit.record({
      actor: actorOf(ctx),
      actorName: ctx.name,
      action: `${AUDIT_NAME[kind]}.revoke`,
      target: `${kind}:${cred.id}`,
      address: meta.address,
      outcome: 'ok',
      details: { name: cred.name, sessionsEnded: ended },
    });
  }
}

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

function unitProblem(message: string): HttpError {
  return new HttpError(400, ErrorCode.RequestInvalid, `body.unitId: ${message}`, {
    issues: [{ path: 'body.unitId', message }],
  });
}

function unitNames(unit: UnitRow | null): Map<string, string> {
  return new Map(unit ? [[unit.id, unit.callsign]] : []);
}

function userView(u: UserRow, scopeName: string, sessions: number, callsigns: Map<string, string>): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    scope: u.scope,
    scopeName,
    disabled: u.disabled,
    totpEnabled: u.totpEnabled,
    demo: u.demo,
    createdAt: u.createdAt.toISOString(),
    lastLoginAt: iso(u.lastLoginAt),
    sessions,
    unit: u.unitId ? { id: u.unitId, callsign: callsigns.get(u.unitId) ?? u.unitId } : null,
  };
}

function credentialView(c: CredentialRow, scopeName: string): CredentialView {
  return {
    id: c.id,
    name: c.name,
    scope: c.scope,
    scopeName,
    prefix: c.prefix,
    createdAt: c.createdAt.toISOString(),
    createdBy: c.createdBy,
    lastUsedAt: iso(c.lastUsedAt),
    revokedAt: iso(c.revokedAt),
  };
}
