/**
 * Who a session or a key is: the request context (auth/context.ts) of a session and its owner,
 * of a device key or of a channel trusted by other means; when a session has run out; and the
 * session reply the client gets; and a new session's row. AuthService reads and writes the rows.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { CredentialRow, NewSession, SessionWithOwner, UserRow } from '../repositories/identity.repository';
import type { AuthContext, RequestMeta } from '../auth/context';
import { sha256 } from '../auth/secrets';
import type { SessionInfo } from '@shared/auth';
import type { SessionEndReason } from '@shared/events';

/** A new session's secret token (only its SHA-256 is stored) and its row; a wall's has no fixed end. */
export function newSession(
  o: { kind: 'password' | 'wall'; user: UserRow | null; credential: CredentialRow | null; mfaPending: boolean },
  meta: RequestMeta,
  now: Date,
  maxMs: number,
): { token: string; row: NewSession } {
  const token = randomBytes(32).toString('base64url');
  const row: NewSession = {
    id: randomUUID(),
    tokenHash: sha256(token),
    kind: o.kind,
    userId: o.user?.id ?? null,
    credentialId: o.credential?.id ?? null,
    csrfToken: randomBytes(24).toString('base64url'),
    mfaPending: o.mfaPending,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: o.kind === 'wall' ? null : new Date(now.getTime() + maxMs),
    address: meta.address,
    userAgent: meta.userAgent?.slice(0, 300) ?? null,
  };
  return { token, row };
}

/** Why a session is over at `now` (its fixed end, or idle too long; walls never idle out), or null. */
export function sessionExpiry(s: SessionWithOwner, now: Date, idleMs: number): SessionEndReason | null {
  if (s.session.expiresAt && s.session.expiresAt <= now) return 'expired';
  const idleExempt = s.session.kind === 'wall' || s.user?.role === 'wall';
  if (!idleExempt && now.getTime() - s.session.lastSeenAt.getTime() > idleMs) return 'expired';
  return null;
}

/** The context of a session, or null when its owner is disabled or its wall token revoked. */
export function sessionContext(s: SessionWithOwner): AuthContext | null {
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

/** A device principal: a device key's (with its credential), or a trusted channel's (without). */
export function deviceContext(
  id: string,
  name: string,
  scope: string,
  credential: CredentialRow | null,
  kind: 'device' | 'integration' = 'device',
): AuthContext {
  return {
    principal: { id, role: kind, scope },
    kind,
    name,
    displayName: name,
    sessionId: null,
    csrfToken: null,
    mfaPending: false,
    user: null,
    credential,
    expiresAt: null,
  };
}

/** The session reply, with the name of the scope's region. */
export function sessionInfoOf(ctx: AuthContext, scopeName: string, idleMs: number): SessionInfo {
  const idleExempt = ctx.kind === 'wall' || ctx.principal.role === 'wall';
  return {
    user: {
      id: ctx.principal.id,
      username: ctx.name,
      displayName: ctx.displayName,
      role: ctx.principal.role === 'device' || ctx.principal.role === 'integration' ? 'viewer' : ctx.principal.role,
      scope: ctx.principal.scope,
      scopeName,
    },
    kind: ctx.kind === 'wall' ? 'wall' : 'password',
    csrfToken: ctx.csrfToken ?? '',
    expiresAt: ctx.expiresAt?.toISOString() ?? null,
    idleTimeoutSec: idleExempt ? null : Math.round(idleMs / 1000),
    mfaPending: ctx.mfaPending,
    totpEnabled: ctx.user?.totpEnabled ?? false,
  };
}
