import { describe, expect, it } from 'vitest';
import { inScope, loginBody, ROLES, scopePrefix } from '@shared/auth';
import { hashPassword, verifyPassword } from '@server/auth/password';
import { ACTIONS, decide, ROLE_ACTIONS, type Principal } from '@server/auth/policy';
import { canonicalJson, seal, verifyChain, type AuditRecord } from '@server/audit/chain';

// Small scrypt parameters keep the test fast; the format and the check are the same.
const FAST = { N: 1 << 10, r: 8, p: 1 };

describe('scopes', () => {
  it('nests city, district, street, community and grid codes', () => {
    expect(scopePrefix('360000')).toBe('36');
    expect(scopePrefix('360100')).toBe('3601');
    expect(scopePrefix('360102')).toBe('360102');
    expect(inScope('360100', '360102001001001')).toBe(true);
    expect(inScope('360102', '360102001')).toBe(true);
    expect(inScope('360102', '360103001')).toBe(false);
    expect(inScope('360102001', '360102002001')).toBe(false);
  });
});

describe('login body', () => {
  it('names a missing field and refuses unknown ones', () => {
    const missing = loginBody.safeParse({ username: 'a' });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues[0]?.path).toEqual(['password']);
    const extra = loginBody.safeParse({ username: 'a', password: 'b', admin: true });
    expect(extra.success).toBe(false);
  });
});

describe('passwords', () => {
  it('verifies the right password, not a wrong one, and never an unknown user', async () => {
    const stored = await hashPassword('correct horse', FAST);
    expect(stored.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse', stored)).toBe(true);
    expect(await verifyPassword('wrong', stored)).toBe(false);
    expect(await verifyPassword('correct horse', null)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same', FAST)).not.toBe(await hashPassword('same', FAST));
  });
});

describe('policy', () => {
  const dispatcherA: Principal = { id: 'u1', role: 'dispatcher', scope: '360102' };

  it('lets a role do its actions inside its scope only', () => {
    expect(decide(dispatcherA, 'incident:dispatch', '360102001001001')).toEqual({ allow: true });
    const out = decide(dispatcherA, 'incident:dispatch', '360103001001001');
    expect(out.allow).toBe(false);
    expect(!out.allow && out.reason).toMatch(/outside scope 360102/);
    expect(decide(dispatcherA, 'admin:manage').allow).toBe(false);
  });

  it('keeps walls and viewers read-only (a viewer may still change their own password)', () => {
    const reads = [
      'session:self',
      'world:read',
      'video:play',
      'alarm:read',
      'incident:read',
      'audit:read',
      'stats:read',
      'event:read',
      'cap:read',
    ];
    const writes = ACTIONS.filter((a) => !reads.includes(a));
    for (const a of writes) expect(ROLE_ACTIONS.wall.has(a), `wall ${a}`).toBe(false);
    for (const a of writes.filter((w) => w !== 'account:self'))
      expect(ROLE_ACTIONS.viewer.has(a), `viewer ${a}`).toBe(false);
  });

  it('covers every role', () => {
    expect(Object.keys(ROLE_ACTIONS).sort()).toEqual([...ROLES, 'device', 'integration'].sort());
  });
});

describe('audit chain', () => {
  const entry = (action: string) => ({
    at: '2026-11-22T10:00:00.000Z',
    actor: 'u1',
    actorName: 'admin',
    action,
    target: null,
    address: '127.0.0.1',
    outcome: 'ok' as const,
    details: { b: 1, a: [2, { d: 3, c: 4 }] },
  });
  const chain = (): AuditRecord[] => {
    const out: AuditRecord[] = [];
    for (const a of ['login', 'alarm.ack', 'logout']) out.push(seal(out.at(-1) ?? null, entry(a)));
    return out;
  };

  it('is canonical regardless of key order', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3] } })).toBe('{"a":{"c":[3],"d":2},"b":1}');
  });

  it('verifies an intact chain', () => {
    expect(verifyChain(chain())).toEqual({ ok: true, count: 3 });
  });

  it('names the first edited, missing or reordered record', () => {
    const edited = chain();
    edited[1] = { ...edited[1]!, actor: 'someone else' };
    const e = verifyChain(edited);
    expect(e).toMatchObject({ ok: false, seq: 2 });
    expect(!e.ok && e.reason).toMatch(/edited/);
    const missing = chain();
    missing.splice(1, 1);
    expect(verifyChain(missing)).toMatchObject({ ok: false, seq: 3 });
    const rehashed = chain();
    rehashed[1] = seal(rehashed[0]!, { ...entry('forged') });
    const r = verifyChain(rehashed);
    expect(r).toMatchObject({ ok: false, seq: 3 });
    expect(!r.ok && r.reason).toMatch(/previous-hash/);
  });
});
