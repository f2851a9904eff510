/** Events in over HTTP (rules in ingest.service.ts): one event or {"events": [...]}, answered 202. */
import { ctxOf, type ApiRoutes } from '../http/auth';
import { HttpError } from '../core/http-errors';
import type { HubMetrics } from '../core/metrics';
import type { IngestService } from '../services/ingest.service';

export function eventRoutes(api: ApiRoutes, deps: { ingest: IngestService; metrics?: HubMetrics }): void {
  api.add('post', '/events', { action: 'ingest:write' }, async (req, res) => {
    // An absent or non-JSON body reaches the service as undefined and is refused there by name.
    try {
      const reply = await deps.ingest.ingestBody(ctxOf(req), req.body as unknown);
      deps.metrics?.eventsIn('http', reply.accepted);
      deps.metrics?.eventsRejected('http', reply.rejected.length);
      res.status(202).json(reply);
    } catch (e) {
      // A single event that is not valid, or a body that is not events at all: one refused post.
      if (e instanceof HttpError && e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 403)
        deps.metrics?.eventsRejected('http', 1);
      throw e;
    }
  });
}
