/**
 * Who a request is, as every service sees it: the principal the policy checks, how it proved
 * it, and the request's address for the audit trail. Built by `http/auth.ts` (cookie or device
 * key) and by the socket gateway; services take it as their first argument.
 */
import type { CredentialRow, UserRow } from '../repositories/identity.repository';
import type { Principal } from './policy';

/** Who a request is: the principal the policy sees, and how it proved it. */
export interface AuthContext {
  principal: Principal;
  kind: 'password' | 'wall' | 'device' | 'integration';
  /** Username, or the key's or wall token's name. */
  name: string;
  displayName: string;
  sessionId: string | null;
  csrfToken: string | null;
  mfaPending: boolean;
  user: UserRow | null;
  credential: CredentialRow | null;
  /** For the session reply. */
  expiresAt: Date | null;
}

export interface RequestMeta {
  address: string | null;
  userAgent: string | null;
}

/** The audit trail's actor: `user:<id>`, `wall:<id>`, `device:<id>` or `integration:<id>`. */
export function actorOf(ctx: AuthContext): string {
  return `${ctx.kind === 'password' ? 'user' : ctx.kind}:${ctx.principal.id}`;
}
