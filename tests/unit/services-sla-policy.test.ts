/**
 * The SLA policy service (server/services/incidents/sla-policy.service.ts) on an in-memory
 * app_meta and audit trail, no database: the default until one is stored, read once and cached,
 * `loaded()` only after a read (transactions never read it), and changed by a city-wide admin
 * only, audited with what it was and what it became.
 */
import { describe, expect, it } from 'vitest';
import { HttpError } from '@server/core/http-errors';
import type { MetaRepository } from '@server/repositories/meta.repository';
import { SlaPolicyService } from '@server/services/incidents/sla-policy.service';
import { DEFAULT_SLA, type SlaPolicy } from '@shared/sla';
import { auditLog, ctx, meta } from './support/fakes';

/** app_meta as a map, counting reads. */
function memoryMeta(
  initial: Record<string, unknown> = {},
): Pick<MetaRepository, 'get' | 'set'> & { reads: number; values: Map<string, unknown> } {
  const values = new Map(Object.entries(initial));
  const m = {
    reads: 0,
    values,
    get<T>(key: string): Promise<T | undefined> {
      m.reads++;
      return Promise.resolve(values.get(key) as T | undefined);
    },
    set(key: string, value: unknown): Promise<void> {
      values.set(key, value);
      return Promise.resolve();
    },
  };
  return m;
}

const faster: SlaPolicy = {
  ...DEFAULT_SLA,
  byPriority: { ...DEFAULT_SLA.byPriority, '1': { dispatch: 1, accept: 1, arrive: 5, resolve: 60 } },
};
const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: unknown) => (e instanceof HttpError ? e.status : 500),
  );

describe('SlaPolicyService', () => {
  it('answers the default until a policy is stored, and a stored one after; reads once', async () => {
    expect(await new SlaPolicyService(memoryMeta(), auditLog()).get()).toEqual(DEFAULT_SLA);
    const stored = memoryMeta({ sla_policy: faster });
    const service = new SlaPolicyService(stored, auditLog());
    expect(await service.get()).toEqual(faster);
    expect(await service.get()).toEqual(faster);
    expect(stored.reads).toBe(1);
  });

  it('falls back to the default when what is stored is not a policy', async () => {
    expect(await new SlaPolicyService(memoryMeta({ sla_policy: { byPriority: 'soon' } }), auditLog()).get()).toEqual(
      DEFAULT_SLA,
    );
  });

  it('has no policy inside a transaction before one was read', async () => {
    const service = new SlaPolicyService(memoryMeta(), auditLog());
    expect(() => service.loaded()).toThrow(/before it was loaded/);
    await service.get();
    expect(service.loaded()).toEqual(DEFAULT_SLA);
  });

  it('is changed by a city-wide admin, stored and audited with before and after', async () => {
    const store = memoryMeta();
    const audit = auditLog();
    const service = new SlaPolicyService(store, audit);
    expect(await service.put(ctx('admin', '36'), faster, meta)).toEqual(faster);
    expect(store.values.get('sla_policy')).toEqual(faster);
    expect(service.loaded()).toEqual(faster);
    expect(audit.records).toEqual([
      expect.objectContaining({
        action: 'sla.update',
        target: 'sla',
        outcome: 'ok',
        address: meta.address,
        details: { before: DEFAULT_SLA, after: faster },
      }),
    ]);
  });

  it('refuses a district’s admin and a dispatcher, and changes nothing', async () => {
    const store = memoryMeta();
    const audit = auditLog();
    const service = new SlaPolicyService(store, audit);
    expect(await status(service.put(ctx('admin', '360102'), faster, meta))).toBe(403);
    expect(await status(service.put(ctx('dispatcher', '36'), faster, meta))).toBe(403);
    expect(store.values.size).toBe(0);
    expect(audit.records).toEqual([]);
    expect(await service.get()).toEqual(DEFAULT_SLA);
  });
});
