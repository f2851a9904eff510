/**
 * Stand-ins for the hub's repositories and services in unit tests of a service (the composition
 * root hands every service its repositories in the constructor, so a test hands it these): who is
 * asking (`ctx`), a silent logger, and `fake`, an object with the methods a test gives whose every
 * other method fails the test by name when called (a service reaching for something the test did
 * not expect is seen, not answered with undefined).
 */
import { pino } from 'pino';
import type { AuthContext } from '@server/auth/context';
import type { PrincipalRole } from '@server/auth/policy';
import type { AuditEntry, AuditService } from '@server/services/audit.service';

export const silent = pino({ level: 'silent' });

export function fake<T extends object>(name: string, methods: Partial<T> = {}): T {
  return new Proxy(methods, {
    get(target, prop) {
      if (prop in target) return target[prop as keyof typeof target];
      if (typeof prop === 'symbol' || prop === 'then') return undefined;
      return () => {
        throw new Error(`${name}.${prop}() was called but is not faked`);
      };
    },
  }) as T;
}

/** A signed-in person of this role and scope. */
export function ctx(role: PrincipalRole, scope: string, name = `${role}-${scope}`): AuthContext {
  return {
    principal: { id: `u-${name}`, role, scope },
    kind: 'password',
    name,
    displayName: name,
    sessionId: 's-1',
    csrfToken: null,
    mfaPending: false,
    user: null,
    credential: null,
    expiresAt: null,
  };
}

export const meta = { address: '10.0.0.1', userAgent: null };

/** An audit trail in memory: what the service recorded, in order. */
export function auditLog(): Pick<AuditService, 'record'> & { records: AuditEntry[] } {
  const records: AuditEntry[] = [];
  return {
    records,
    record(e) {
      records.push(e);
      return Promise.resolve();
    },
  };
}
