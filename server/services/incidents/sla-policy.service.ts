/**
 * The SLA policy (minutes per stage, by priority and category): one for the whole city, stored in
 * app_meta, cached after the first read. Changed by a city-wide admin, audited.
 */
import type { MetaRepository } from '@server/repositories/meta.repository';
import type { AuditService } from '../audit.service';
import { actorOf, type AuthContext, type RequestMeta } from '@server/auth/context';
import { authorize, scopeFilter } from '@server/auth/policy';
import { HttpError } from '@server/core/http-errors';
import { ErrorCode } from '@shared/errors';
import { DEFAULT_SLA, slaPolicy, type SlaPolicy } from '@shared/sla';

const SLA_META_KEY = 'sla_policy';

export class SlaPolicyService {
  private policy: SlaPolicy | null = null;

  constructor(
    private readonly meta: Pick<MetaRepository, 'get' | 'set'>,
    private readonly audit: Pick<AuditService, 'record'>,
  ) {}

  async get(): Promise<SlaPolicy> {
    if (this.policy) return this.policy;
    const stored = slaPolicy.safeParse(await this.meta.get(SLA_META_KEY));
    this.policy = stored.success ? stored.data : DEFAULT_SLA;
    return this.policy;
  }

  /**
   * The policy inside a transaction: loaded beforehand (at start, and by every entry point), never
   * read there (on PGlite's one connection a read outside the transaction would wait for it).
   */
  loaded(): SlaPolicy {
    if (!this.policy) throw new Error('SLA policy used before it was loaded (call get() first)');
    return this.policy;
  }

  async put(ctx: AuthContext, policy: SlaPolicy, meta: RequestMeta): Promise<SlaPolicy> {
    authorize(ctx.principal, 'admin:manage');
    // One policy for the whole city: a district's admin may not change the clocks of other districts.
    if (scopeFilter(ctx.principal.scope))
      throw new HttpError(
        403,
        ErrorCode.AuthForbidden,
        `the SLA policy applies to the whole city; scope ${ctx.principal.scope} is narrower`,
      );
    const before = await this.get();
    await this.meta.set(SLA_META_KEY, policy);
    this.policy = policy;
    await this.audit.record({
      actor: actorOf(ctx),
      actorName: ctx.name,
      action: 'sla.update',
      target: 'sla',
      address: meta.address,
      outcome: 'ok',
      details: { before, after: policy },
    });
    return policy;
  }
}
