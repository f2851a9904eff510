/** Zones over HTTP (the rule editor's picker; rules in services/zone-directory.service.ts). */
import { zoneSearchQuery, zoneSearchReply } from '@shared/zone-search';
import { parseInput } from '../core/http-errors';
import { ctxOf, type ApiRoutes } from '../http/auth';
import type { ZoneDirectoryService } from '../services/zone-directory.service';

export function zoneRoutes(api: ApiRoutes, deps: { zones: ZoneDirectoryService }): void {
  api.add(
    'get',
    '/zones',
    { action: 'admin:manage' },
    {
      summary: 'Watch zones by name or id (?q=&kind=&ids=a,b&limit=), for the rule editor.',
      query: zoneSearchQuery,
      reply: { status: 200, schema: zoneSearchReply, description: 'the zones found' },
      errors: { 403: 'a scope narrower than the city (zones are searched for the city’s rules)' },
    },
    async (req, res) => {
      const q = parseInput(zoneSearchQuery, req.query, 'query');
      res.set('Cache-Control', 'no-store').json(await deps.zones.search(ctxOf(req), q));
    },
  );
}
