/**
 * The zone directory (issue 15): zones found by name, id or kind for the rule editor's picker. Rules
 * apply city-wide and only a city-wide admin edits them (alarm.service.ts putRule), so only such an
 * admin searches here, and over every zone of the city; anyone narrower is refused as putRule
 * refuses them, before anything is read.
 */
import type { AuthContext } from '../auth/context';
import { authorize } from '../auth/policy';
import { HttpError } from '../core/http-errors';
import type { ZoneRepository } from '../repositories/zone.repository';
import { scopePrefix } from '@shared/auth';
import { ErrorCode } from '@shared/errors';
import { ZONE_IDS_MAX, ZONE_SEARCH_LIMIT, type ZoneSearchQuery, type ZoneSearchReply } from '@shared/zone-search';

export class ZoneDirectoryService {
  constructor(private readonly zones: ZoneRepository) {}

  async search(ctx: AuthContext, q: ZoneSearchQuery): Promise<ZoneSearchReply> {
    authorize(ctx.principal, 'admin:manage');
    if (scopePrefix(ctx.principal.scope).length > 4)
      throw new HttpError(
        403,
        ErrorCode.AuthForbidden,
        `zones are searched for the city's rules; scope ${ctx.principal.scope} is narrower`,
      );
    const zones = await this.zones.search({
      text: q.q || undefined,
      kind: q.kind,
      ids: q.ids,
      // Asked by id: every one of them (a rule's zones), not a page.
      limit: q.ids ? ZONE_IDS_MAX : (q.limit ?? ZONE_SEARCH_LIMIT),
    });
    return { zones };
  }
}
