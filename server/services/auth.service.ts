/**
 * Sign-in, sessions and credentials: the rules. Passwords are scrypt hashes; session tokens,
 * device keys and wall tokens are random secrets of which only a SHA-256 is stored. A session
 * ends on sign-out, after 30 minutes without a request (not a wall's), 12 hours after sign-in
 * (not a wall's), or when an admin ends it; whoever ended it, the 'sessionsEnded' domain event
 * tells the realtime gateway, which closes that session's sockets.
 *
 * Lockout: five failed sign-ins for a username within ten minutes lock it for ten minutes, for
 * known and unknown names alike, so the answer never tells whether an account exists.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import type { Logger } from 'pino';
import type { IdentityRepository, SessionWithOwner, UserRow, CredentialRow } from '../repositories/identity.repository';
import { actorOf, type AuthContext, type RequestMeta } from '../auth/context';
import { sha256 } from '../auth/secrets';
import type { AuditService } from './audit.service';
import type { DomainEvents } from './domain-events';
import type { Clock } from '../core/clock';
import type { AuthSettings } from '../core/config';
import { hashPassword, verifyPassword } from '../auth/password';
import { HttpError } from '../core/http-errors';
import { ErrorCode } from '@shared/errors';
import type { LoginBody, PasswordChangeBody, SessionInfo, TotpSetupReply, Whoami } from '@shared/auth';
import type { SessionEndReason } from '@shared/events';

export const LOCKOUT = { failures: 5, windowMs: 10 * 60_000, lockMs: 10 * 60_000 } as const;
/** lastSeenAt is written at most this often (the idle timeout is 30 minutes; a minute of slack is fine). */
const TOUCH_EVERY_MS = 30_000;
const TOTP_ISSUER = 'City Command';

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
      throw this.lockedError(throttle.lockedUntil, now);
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
    const prev = await this.repo.throttle(key);
    const fresh = !prev || now.getTime() - prev.windowStart.getTime() > LOCKOUT.windowMs;
    const failures = fresh ? 1 : prev.failures + 1;
    const lockedUntil = failures >= LOCKOUT.failures ? new Date(now.getTime() + LOCKOUT.lockMs) : null;
    await this.repo.putThrottle({ username: key, failures, windowStart: fresh ? now : prev.windowStart, lockedUntil });
    await this.audit.record({
      actor: user ? `user:${user.id}` : null,
      actorName: key,
      action: 'auth.login',
      address: meta.address,
      outcome: 'failed',
      details: { reason, failures, ...(lockedUntil ? { lockedUntil: lockedUntil.toISOString() } : {}) },
    });
    if (lockedUntil) throw this.lockedError(lockedUntil, now);
    if (reason === 'bad-otp')
      throw new HttpError(401, ErrorCode.AuthOtpInvalid, 'the second-factor code is wrong or too old');
    throw new HttpError(401, ErrorCode.AuthInvalidCredentials, 'wrong username or password');
  }

  private lockedError(until: Date, now: Date): HttpError {
    const retryAfterSec = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
    return new HttpError(
      429,
      ErrorCode.AuthLocked,
      `too many failed sign-ins: try again in ${Math.ceil(retryAfterSec / 60)} minute(s)`,
      { retryAfterSec },
    );
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

  private async openSession(
    o: { kind: 'password' | 'wall'; user: UserRow | null; credential: CredentialRow | null; mfaPending: boolean },
    meta: RequestMeta,
  ): Promise<{ token: string; info: SessionInfo }> {
    const now = this.now();
    const token = randomBytes(32).toString('base64url');
    const session = await this.repo.insertSession({
      id: randomUUID(),
      tokenHash: sha256(token),
      kind: o.kind,
      userId: o.user?.id ?? null,
      credentialId: o.credential?.id ?? null,
      csrfToken: randomBytes(24).toString('base64url'),
      mfaPending: o.mfaPending,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: o.kind === 'wall' ? null : new Date(now.getTime() + this.settings.sessionMaxMs),
      address: meta.address,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
    });
    const ctx = this.contextOf({ session, user: o.user, credential: o.credential });
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
    const expired = this.expiry(found, now);
    if (expired) {
      await this.endSessions([found.session.id], expired, null);
      return null;
    }
    const ctx = this.contextOf(found);
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
    if (!found || found.session.endedAt || this.expiry(found, this.now())) return null;
    return this.contextOf(found);
  }

  private expiry(s: SessionWithOwner, now: Date): SessionEndReason | null {
    if (s.session.expiresAt && s.session.expiresAt <= now) return 'expired';
    const idleExempt = s.session.kind === 'wall' || s.user?.role === 'wall';
    if (!idleExempt && now.getTime() - s.session.lastSeenAt.getTime() > this.settings.sessionIdleMs) return 'expired';
    return null;
  }

  private contextOf(s: SessionWithOwner): AuthContext | null {
    const { session, user, credential } = s;
    if (session.kind === 'password') {
      if (!user || user.disabled) return null;
      return {
        principal: { id: user.id, role: user.role, scope: user.scope },
        kind: 'password',
        name: user.username,
        displayName: user.displayName,
        sessionId: session.id,
        csrfToken: session.csrfToken,
        mfaPending: session.mfaPending,
        user,
        credential: null,
        expiresAt: session.expiresAt,
      };
    }
    if (!credential || credential.kind !== 'wall' || credential.revokedAt) return null;
    return {
      principal: { id: credential.id, role: 'wall', scope: credential.scope },
      kind: 'wall',
      name: credential.name,
      displayName: credential.name,
      sessionId: session.id,
      csrfToken: session.csrfToken,
      mfaPending: false,
      user: null,
      credential,
      expiresAt: null,
    };
  }

  /** A device key from `Authorization: Bearer <key>`, or null. */
  async authenticateDeviceKey(secret: string): Promise<AuthContext | null> {
    const envKey = this.settings.ingestApiKey;
    if (envKey && secret.length === envKey.length && timingSafeEqual(Buffer.from(secret), Buffer.from(envKey)))
      return this.cityDevice('ingest-api-key', 'INGEST_API_KEY');
    if (!secret.startsWith('cdk_') || secret.length > 100) return null;
    const cred = await this.repo.credentialBySecretHash(sha256(secret));
    if (!cred || cred.kind !== 'device' || cred.revokedAt) return null;
    const now = this.now();
    if (!cred.lastUsedAt || now.getTime() - cred.lastUsedAt.getTime() > 60_000)
      await this.repo.touchCredential(cred.id, now);
    return {
      principal: { id: cred.id, role: 'device', scope: cred.scope },
      kind: 'device',
      name: cred.name,
      displayName: cred.name,
      sessionId: null,
      csrfToken: null,
      mfaPending: false,
      user: null,
      credential: cred,
      expiresAt: null,
    };
  }

  /**
   * A city-wide device principal for a channel the hub trusts by other means: INGEST_API_KEY, or
   * MQTT (where the broker authenticates the publisher). Null before the city exists.
   */
  async cityDevice(id: string, name: string): Promise<AuthContext | null> {
    const city = (this.cityCode ??= await this.repo.cityCode());
    if (!city) return null;
    return {
      principal: { id, role: 'device', scope: city },
      kind: 'device',
      name,
      displayName: name,
      sessionId: null,
      csrfToken: null,
      mfaPending: false,
      user: null,
      credential: null,
      expiresAt: null,
    };
  }

  async sessionInfo(ctx: AuthContext): Promise<SessionInfo> {
    const idleExempt = ctx.kind === 'wall' || ctx.principal.role === 'wall';
    return {
      user: {
        id: ctx.principal.id,
        username: ctx.name,
        displayName: ctx.displayName,
        role: ctx.principal.role === 'device' ? 'viewer' : ctx.principal.role,
        scope: ctx.principal.scope,
        scopeName: (await this.repo.regionName(ctx.principal.scope)) ?? ctx.principal.scope,
      },
      kind: ctx.kind === 'wall' ? 'wall' : 'password',
      csrfToken: ctx.csrfToken ?? '',
      expiresAt: ctx.expiresAt?.toISOString() ?? null,
      idleTimeoutSec: idleExempt ? null : Math.round(this.settings.sessionIdleMs / 1000),
      mfaPending: ctx.mfaPending,
      totpEnabled: ctx.user?.totpEnabled ?? false,
    };
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
    const secret = new OTPAuth.Secret({ size: 20 }).base32;
    await this.repo.updateUser(user.id, { totpSecret: secret });
    const totp = this.totp(user.username, secret);
    return { secret, uri: totp.toString() };
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

  private totp(username: string, secret: string): OTPAuth.TOTP {
    return new OTPAuth.TOTP({
      issuer: TOTP_ISSUER,
      label: username,
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      secret: OTPAuth.Secret.fromBase32(secret),
    });
  }

  /**
   * Whether `code` is the user's current code (one 30 s step of clock drift either way), and not
   * one already used: each accepted step is remembered, so a code seen over a shoulder or in a
   * log cannot be replayed within its window.
   */
  private async totpAccept(user: UserRow, secret: string, code: string): Promise<boolean> {
    const totp = this.totp(user.username, secret);
    const now = this.clock.now();
    const delta = totp.validate({ token: code, timestamp: now, window: 1 });
    if (delta === null) return false;
    const step = totp.counter({ timestamp: now }) + delta;
    if (user.totpLastStep !== null && step <= user.totpLastStep) return false;
    await this.repo.updateUser(user.id, { totpLastStep: step });
    return true;
  }
}
