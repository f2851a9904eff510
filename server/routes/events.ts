/** Events in over HTTP (rules in ingest.service.ts): one event or {"events": [...]}, answered 202. */
import { ctxOf, type ApiRoutes } from '../auth/http';
import type { IngestService } from '../services/ingest.service';

export function eventRoutes(api: ApiRoutes, deps: { ingest: IngestService }): void {
  api.add('post', '/events', { action: 'ingest:write' }, async (req, res) => {
    // An absent or non-JSON body reaches the service as undefined and is refused there by name.
    res.status(202).json(await deps.ingest.ingestBody(ctxOf(req), req.body as unknown));
  });
}
