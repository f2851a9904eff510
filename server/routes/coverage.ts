/** Coverage over HTTP (issue 17): the scope's grids' best times per need and the open gaps. */
import { ctxOf, type ApiRoutes } from '../http/auth';
import type { CoverageService } from '../services/coverage.service';

export function coverageRoutes(api: ApiRoutes, deps: { coverage: CoverageService }): void {
  api.add('get', '/coverage', { action: 'alarm:read' }, async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await deps.coverage.view(ctxOf(req)));
  });
  // The open gaps alone: what the desk's and the wall's maps draw (one district's alarm stands for many grids).
  api.add('get', '/coverage/gaps', { action: 'alarm:read' }, async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await deps.coverage.gapsView(ctxOf(req)));
  });
}
