/** Events in over HTTP (rules in ingest.service.ts): one event or {"events": [...]}, answered 202. */
import { z } from 'zod';
import { eventInput, ingestReply, MAX_BATCH } from '@shared/ingest';
import { ctxOf, type ApiRoutes } from '../http/auth';
import { HttpError } from '../core/http-errors';
import type { HubMetrics } from '../core/metrics';
import type { IngestService } from '../services/ingest.service';

export function eventRoutes(api: ApiRoutes, deps: { ingest: IngestService; metrics?: HubMetrics }): void {
  api.add(
    'post',
    '/events',
    { action: 'ingest:write' },
    {
      summary: `Post one event, or a batch {"events": [...]} of at most ${MAX_BATCH}.`,
      description:
        'Good items are kept when others are bad; an id sent again (per source) is a duplicate and is not stored twice. A device key (Bearer cdk_…), or INGEST_API_KEY in the demo city.',
      body: z.union([eventInput, z.object({ events: z.array(eventInput).min(1).max(MAX_BATCH) })]),
      reply: {
        status: 202,
        schema: ingestReply,
        description:
          'what was kept, what was a duplicate, and each refused item with its index and the fields at fault',
      },
      errors: {
        400: 'neither an event nor a batch, or a single invalid event (the message names the field)',
        413: `over ${MAX_BATCH} events, or a body over 4 MB`,
      },
    },
    async (req, res) => {
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
    },
  );
}
