/** Coverage over HTTP (issue 17): the scope's grids' best times per need and the open gaps. */
import { coverageGapsReply, coverageReply } from '@shared/coverage';
import { ctxOf, type ApiRoutes } from '../http/auth';
import type { CoverageService } from '../services/coverage.service';

export function coverageRoutes(api: ApiRoutes, deps: { coverage: CoverageService }): void {
  api.add(
    'get',
    '/coverage',
    { action: 'alarm:read' },
    {
      summary:
        'Every grid of the scope: minutes for the nearest available unit of each need, and the open coverage gaps.',
      reply: { status: 200, schema: coverageReply, description: 'grids, minutes per need, open gaps' },
    },
    async (req, res) => {
      res.set('Cache-Control', 'no-store').json(await deps.coverage.view(ctxOf(req)));
    },
  );
  // The open gaps alone: what the desk's and the wall's maps draw (one district's alarm stands for many grids).
  api.add(
    'get',
    '/coverage/gaps',
    { action: 'alarm:read' },
    {
      summary: 'The scope’s open coverage gaps alone, one per grid and need (what the maps draw).',
      reply: { status: 200, schema: coverageGapsReply, description: 'open gaps' },
    },
    async (req, res) => {
      res.set('Cache-Control', 'no-store').json(await deps.coverage.gapsView(ctxOf(req)));
    },
  );
}
