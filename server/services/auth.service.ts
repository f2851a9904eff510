/**
 * Sign-in, sessions and credentials: the rules. Passwords are scrypt hashes; session tokens,
 * device keys and wall tokens are random secrets of which only a SHA-256 is stored. A session
 * ends on sign-out, after 30 minutes without a request (not a wall's), 12 hours after sign-in
 * (not a wall's), or when an admin ends it; whoever ended it, the 'sessionsEnded' domain event
 * tells the realtime gateway, which closes that session's sockets.
 *
 * Lockout in sign-in-lockout.ts, the second factor in totp.ts, the contexts and replies built
 * from sessions and keys in session-context.ts.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { IdentityRepository, UserRow, CredentialRow } from '../repositories/identity.repository';
import { actorOf, type AuthContext, type RequestMeta } from '../auth/context';
import { sha256 } from '../auth/secrets';
import type { AuditService } from './audit.service';
import type { DomainEvents } from './domain-events';
import { lockedError, nextThrottle, signInError } from './sign-in-lockout';
import { acceptedTotpStep, newTotpSecret, totpOf } from './totp';
import { deviceContext, newSession, sessionContext, sessionExpiry, sessionInfoOf } from './session-context';
import type { Clock } from '../core/clock';
import type { AuthSettings } from '../core/config';
import { hashPassword, verifyPassword } from '../auth/password';
import { HttpError } from '../core/http-errors';
import { ErrorCode } from '@shared/errors';
import {
  DEVICE_KEY_PREFIX,
  INTEGRATION_KEY_PREFIX,
  type LoginBody,
  type PasswordChangeBody,
  type SessionInfo,
  type TotpSetupReply,
  type Whoami,
} from '@shared/auth';
import type { SessionEndReason } from '@shared/events';

/** lastSeenAt is written at most this often (the idle timeout is 30 minutes; a minute of slack is fine). */
const TOUCH_EVERY_MS = 30_000;

export class AuthService {
  private cityCode: string | undefined;

  constructor(
    private readonly repo: IdentityRepository,
    private readonly audit: AuditService,
    /** Sessions that ended are announced here (the gateway closes their sockets). */
    private readonly events: DomainEvents,
    private readonly clock: Clock,
    private readonly settings: AuthSettings,
    private readonly log: Logger,
  ) {}

  private now(): Date {
    return new Date(this.clock.now());
  }

  // ---------------------------------------------------------------- sign-in

  async login(body: LoginBody, meta: RequestMeta): Promise<{ token: string; info: SessionInfo }> {
    const key = body.username.trim().toLowerCase();
    const now = this.now();
    const throttle = await this.repo.throttle(key);
    if (throttle?.lockedUntil && throttle.lockedUntil > now) {
      await this.audit.record({
        actor: null,
        actorName: key,
        action: 'auth.login',
        address: meta.address,
        outcome: 'failed',
        details: { reason: 'locked' },
      });
      throw lockedError(throttle.lockedUntil, now);
    }
    const user = await this.repo.userByName(key);
    // Always one hash, whether the user exists or not (same time, same answer).
    const passwordOk = await verifyPassword(body.password, user?.passwordHash ?? null);
    if (!user || !passwordOk || user.disabled) {
      await this.failed(key, user, meta, user?.disabled && passwordOk ? 'disabled' : 'bad-password');
    }
    const u = user!;
    if (u.totpEnabled && u.totpSecret) {
      if (!body.otp)
        throw new HttpError(
          401,
          ErrorCode.AuthOtpRequired,
          'this account has a second factor: send the 6-digit code from the authenticator app as `otp`',
        );
      if (!(await this.totpAccept(u, u.totpSecret, body.otp))) await this.failed(key, u, meta, 'bad-otp');
    }
    await this.repo.clearThrottle(key);
    const mfaPending = this.settings.requireAdminTotp && u.role === 'admin' && !u.totpEnabled;
    const { token, info } = await this.openSession({ kind: 'password', user: u, credential: null, mfaPending }, meta);
    await this.repo.updateUser(u.id, { lastLoginAt: now });
    await this.audit.record({
      actor: `user:${u.id}`,
      actorName: u.username,
      action: 'auth.login',
      address: meta.address,
      outcome: 'ok',
      details: mfaPending ? { mfaPending: true } : null,
    });
    return { token, info };
  }

  /** A failed attempt: count it (lock at five), record it, and answer the same for every cause. */
  private async failed(key: string, user: UserRow | undefined, meta: RequestMeta, reason: string): Promise<never> {
    const now = this.now();
    const throttle = nextThrottle(key, await this.repo.throttle(key), now);
    await this.repo.putThrottle(throttle);
    const { failures, lockedUntil } = throttle;
    await this.audit.record({
      actor: user ? `user:${user.id}` : null,
      actorName: key,
      action: 'auth.login',
      address: meta.address,
      outcome: 'failed',
      details: { reason, failures, ...(lockedUntil ? { lockedUntil: lockedUntil.toISOString() } : {}) },
    });
    throw lockedUntil ? lockedError(lockedUntil, now) : signInError(reason);
  }

  /** A wall display signs in with its token: a session with no idle timeout and no fixed end. */
  async wallLogin(secret: string, meta: RequestMeta): Promise<{ token: string; info: SessionInfo }> {
    const cred = await this.repo.credentialBySecretHash(sha256(secret));
    if (!cred || cred.kind !== 'wall' || cred.revokedAt) {
      await this.audit.record({
        actor: null,
        actorName: null,
        action: 'auth.wall-login',
        address: meta.address,
        outcome: 'failed',
        details: { reason: cred?.revokedAt ? 'revoked' : 'unknown token' },
      });
      throw new HttpError(401, ErrorCode.AuthInvalidCredentials, 'this wall token is not valid (unknown or revoked)');
    }
    const opened = await this.openSession({ kind: 'wall', user: null, credential: cred, mfaPending: false }, meta);
    await this.repo.touchCredential(cred.id, this.now());
    await this.audit.record({
      actor: `wall:${cred.id}`,
      actorName: cred.name,
      action: 'auth.wall-login',
      address: meta.address,
      outcome: 'ok',
    });
    return opened;
  }

  /**
   * A session for one of the demo's dispatcher or field accounts, opened by the hub for the demo's
   * simulated staff (server/simulator/staff-runner.ts, started by main.ts), who then work through
   * the public API like anyone signed in: no password is known or needed (the demo one may have
   * been generated at first start and shown once). Not reachable over HTTP; refused in production,
   * for an account that is not a demo one, disabled, or of another role. Audited as a sign-in.
   */
  async demoSession(username: string): Promise<{ token: string; info: SessionInfo }> {
    const user = this.settings.production ? undefined : await this.repo.userByName(username.trim().toLowerCase());
    if (!user?.demo || user.disabled || (user.role !== 'dispatcher' && user.role !== 'field'))
      throw new HttpError(
        403,
        ErrorCode.AuthForbidden,
        `no demo dispatcher or field account ${JSON.stringify(username)}`,
      );
    const opened = await this.openSession(
      { kind: 'password', user, credential: null, mfaPending: false },
      {
        address: null,
        userAgent: 'simulated staff',
      },
    );
    await this.audit.record({
      actor: `user:${user.id}`,
      actorName: user.username,
      action: 'auth.login',
      outcome: 'ok',
      details: { simulatedStaff: true },
    });
    return opened;
  }

  private async openSession(
    o: { kind: 'password' | 'wall'; user: UserRow | null; credential: CredentialRow | null; mfaPending: boolean },
    meta: RequestMeta,
  ): Promise<{ token: string; info: SessionInfo }> {
    const { token, row } = newSession(o, meta, this.now(), this.settings.sessionMaxMs);
    const session = await this.repo.insertSession(row);
    const ctx = sessionContext({ session, user: o.user, credential: o.credential });
    if (!ctx) throw new Error('a session just opened does not authenticate');
    return { token, info: await this.sessionInfo(ctx) };
  }

  // ---------------------------------------------------------------- authenticating requests

  /**
   * The context of a session cookie, or null when it is unknown or ended. A session found past
   * its idle or absolute end is ended here (and its sockets closed). `touch` resets the idle timer.
   */
  async authenticateSession(token: string, touch: boolean): Promise<AuthContext | null> {
    if (token.length < 20 || token.length > 100) return null;
    const found = await this.repo.sessionByTokenHash(sha256(token));
    if (!found || found.session.endedAt) return null;
    const now = this.now();
    const expired = sessionExpiry(found, now, this.settings.sessionIdleMs);
    if (expired) {
      await this.endSessions([found.session.id], expired, null);
      return null;
    }
    const ctx = sessionContext(found);
    if (!ctx) {
      // The owner was disabled or the wall token revoked: that should have ended it already.
      await this.endSessions([found.session.id], 'revoked', null);
      return null;
    }
    if (touch && now.getTime() - found.session.lastSeenAt.getTime() >= TOUCH_EVERY_MS)
      await this.repo.touchSession(found.session.id, now);
    return ctx;
  }

  /** Socket handshakes (and recoveries) check the session the same way, without touching it. */
  async sessionContextById(id: string): Promise<AuthContext | null> {
    const found = await this.repo.sessionById(id);
    if (!found || found.session.endedAt || sessionExpiry(found, this.now(), this.settings.sessionIdleMs)) return null;
    return sessionContext(found);
  }

  /** A device key from `Authorization: Bearer <key>`, or null. */
  async authenticateDeviceKey(secret: string): Promise<AuthContext | null> {
    const envKey = this.settings.ingestApiKey;
    if (envKey && secret.length === envKey.length && timingSafeEqual(Buffer.from(secret), Buffer.from(envKey)))
      return this.cityDevice('ingest-api-key', 'INGEST_API_KEY');
    if (!secret.startsWith(DEVICE_KEY_PREFIX) || secret.length > 100) return null;
    const cred = await this.repo.credentialBySecretHash(sha256(secret));
    if (!cred || cred.kind !== 'device' || cred.revokedAt) return null;
    const now = this.now();
    if (!cred.lastUsedAt || now.getTime() - cred.lastUsedAt.getTime() > 60_000)
      await this.repo.touchCredential(cred.id, now);
    return deviceContext(cred.id, cred.name, cred.scope, cred);
  }

  /** An integration key (another agency's system: CAP, Open311) from `Bearer cik_…` or Open311's api_key, or null. */
  async authenticateIntegrationKey(secret: string): Promise<AuthContext | null> {
    if (!secret.startsWith(INTEGRATION_KEY_PREFIX) || secret.length > 100) return null;
    const cred = await this.repo.credentialBySecretHash(sha256(secret));
    if (!cred || cred.kind !== 'integration' || cred.revokedAt) return null;
    const now = this.now();
    if (!cred.lastUsedAt || now.getTime() - cred.lastUsedAt.getTime() > 60_000)
      await this.repo.touchCredential(cred.id, now);
    return deviceContext(cred.id, cred.name, cred.scope, cred, 'integration');
  }

  /**
   * A city-wide device principal for a channel the hub trusts by other means: INGEST_API_KEY, or
   * MQTT (where the broker authenticates the publisher). Null before the city exists.
   */
  async cityDevice(id: string, name: string): Promise<AuthContext | null> {
    const city = (this.cityCode ??= await this.repo.cityCode());
    if (!city) return null;
    return deviceContext(id, name, city, null);
  }

  async sessionInfo(ctx: AuthContext): Promise<SessionInfo> {
    const scopeName = (await this.repo.regionName(ctx.principal.scope)) ?? ctx.principal.scope;
    return sessionInfoOf(ctx, scopeName, this.settings.sessionIdleMs);
  }

  whoami(ctx: AuthContext): Whoami {
    return { kind: ctx.kind, id: ctx.principal.id, role: ctx.principal.role, scope: ctx.principal.scope };
  }

  // ---------------------------------------------------------------- ending sessions

  async logout(ctx: AuthContext, meta: RequestMeta): Promise<void> {
    if (!ctx.sessionId) return;
    await this.endSessions([ctx.sessionId], 'logout', null);
    await this.audit.record({
      actor: actorOf(ctx),
      actorName: ctx.name,
      action: 'auth.logout',
      address: meta.address,
      outcome: 'ok',
    });
  }

  /** End sessions by id (those still open), record expiries, and close their sockets. */
  async endSessions(ids: string[], reason: SessionEndReason, _by: AuthContext | null): Promise<void> {
    const now = this.now();
    const ended: string[] = [];
    for (const id of ids) if (await this.repo.endSession(id, now, reason)) ended.push(id);
    if (ended.length === 0) return;
    if (reason === 'expired')
      await this.audit.record({
        actor: null,
        actorName: 'system',
        action: 'session.expired',
        outcome: 'ok',
        details: { sessions: ended },
      });
    this.events.emit('sessionsEnded', ended, reason);
  }

  /** End every open session of a user or a wall token (admin changes); closes their sockets. */
  async endSessionsOf(owner: { userId: string } | { credentialId: string }, reason: SessionEndReason): Promise<number> {
    const ids = await this.repo.endSessionsOf(owner, this.now(), reason);
    if (ids.length) this.events.emit('sessionsEnded', ids, reason);
    return ids.length;
  }

  /** Periodic: end the sessions that timed out while nobody asked, so their sockets close too. */
  async sweep(): Promise<number> {
    const ids = await this.repo.endExpiredSessions(this.now(), this.settings.sessionIdleMs);
    if (ids.length) {
      await this.audit.record({
        actor: null,
        actorName: 'system',
        action: 'session.expired',
        outcome: 'ok',
        details: { sessions: ids },
      });
      this.events.emit('sessionsEnded', ids, 'expired');
    }
    return ids.length;
  }

  // ---------------------------------------------------------------- one's own account

  async changePassword(ctx: AuthContext, body: PasswordChangeBody, meta: RequestMeta): Promise<void> {
    const user = ctx.user;
    if (!user || ctx.kind !== 'password')
      throw new HttpError(403, ErrorCode.AuthForbidden, 'only a signed-in person has a password to change');
    if (!(await verifyPassword(body.current, user.passwordHash))) {
      await this.audit.record({
        actor: actorOf(ctx),
        actorName: ctx.name,
        action: 'auth.password',
        address: meta.address,
        outcome: 'failed',
        details: { reason: 'wrong current password' },
      });
      throw new HttpError(400, ErrorCode.RequestInvalid, 'body.current: the current password is wrong', {
        issues: [{ path: 'body.current', message: 'the current password is wrong' }],
      });
    }
    await this.repo.updateUser(user.id, { passwordHash: await hashPassword(body.next) });
    // Other sessions of this user end (a stolen session does not survive a password change).
    const others = await this.repo.endSessionsOf(
      { userId: user.id },
      this.now(),
      'changed',
      ctx.sessionId ?? undefined,
    );
    if (others.length) this.events.emit('sessionsEnded', others, 'changed');
    await this.audit.record({
      actor: actorOf(ctx),
      actorName: ctx.name,
      action: 'auth.password',
      address: meta.address,
      outcome: 'ok',
      details: { otherSessionsEnded: others.length },
    });
  }

  async totpSetup(ctx: AuthContext): Promise<TotpSetupReply> {
    const user = ctx.user;
    if (!user || ctx.kind !== 'password')
      throw new HttpError(403, ErrorCode.AuthForbidden, 'only a signed-in person can set up a second factor');
    if (user.totpEnabled)
      throw new HttpError(409, ErrorCode.RequestInvalid, 'a second factor is already set up; an admin can reset it');
    const secret = newTotpSecret();
    await this.repo.updateUser(user.id, { totpSecret: secret });
    return { secret, uri: totpOf(user.username, secret).toString() };
  }

  async totpEnable(ctx: AuthContext, code: string, meta: RequestMeta): Promise<SessionInfo> {
    const user = ctx.user ? await this.repo.userById(ctx.user.id) : undefined;
    if (!user || ctx.kind !== 'password')
      throw new HttpError(403, ErrorCode.AuthForbidden, 'only a signed-in person can set up a second factor');
    if (user.totpEnabled) throw new HttpError(409, ErrorCode.RequestInvalid, 'a second factor is already set up');
    if (!user.totpSecret) throw new HttpError(409, ErrorCode.RequestInvalid, 'start with POST /api/v1/auth/totp/setup');
    if (!(await this.totpAccept(user, user.totpSecret, code))) {
      await this.audit.record({
        actor: actorOf(ctx),
        actorName: ctx.name,
        action: 'auth.totp-enable',
        address: meta.address,
        outcome: 'failed',
      });
      throw new HttpError(
        400,
        ErrorCode.AuthOtpInvalid,
        'body.code: the code does not match; check the phone clock and try the current code',
        { issues: [{ path: 'body.code', message: 'does not match' }] },
      );
    }
    const updated = (await this.repo.updateUser(user.id, { totpEnabled: true }))!;
    if (ctx.sessionId) await this.repo.updateSession(ctx.sessionId, { mfaPending: false });
    await this.audit.record({
      actor: actorOf(ctx),
      actorName: ctx.name,
      action: 'auth.totp-enable',
      address: meta.address,
      outcome: 'ok',
    });
    return this.sessionInfo({ ...ctx, user: updated, mfaPending: false });
  }

  /** Whether `code` is good (totp.ts); the step it was good for is remembered so it is not good again. */
  private async totpAccept(user: UserRow, secret: string, code: string): Promise<boolean> {
    const step = acceptedTotpStep(user, secret, code, this.clock.now());
    if (step === null) return false;
    await this.repo.updateUser(user.id, { totpLastStep: step });
    return true;
  }
}
