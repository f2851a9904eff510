/** The SLA policy over HTTP (rules in services/incidents/sla-policy.service.ts): read it, and a city-wide admin changes it. */
import { slaPolicy } from '@shared/sla';
import { parseInput } from '../core/http-errors';
import { ctxOf, requestMeta, type ApiRoutes } from '../http/auth';
import type { SlaPolicyService } from '../services/incidents/sla-policy.service';

export function slaRoutes(api: ApiRoutes, deps: { sla: SlaPolicyService }): void {
  api.add(
    'get',
    '/sla',
    { action: 'incident:read' },
    {
      summary:
        'The SLA policy: minutes per priority (and per category where set) for each stage (dispatch, accept, arrive, resolve).',
      reply: { status: 200, schema: slaPolicy, description: 'the policy' },
    },
    async (_req, res) => {
      res.set('Cache-Control', 'no-store').json(await deps.sla.get());
    },
  );
  api.add(
    'put',
    '/sla',
    { action: 'admin:manage' },
    {
      summary: 'Replace the SLA policy (city-wide admins; audited); running clocks keep their deadlines.',
      body: slaPolicy,
      reply: { status: 200, schema: slaPolicy, description: 'the policy as stored' },
      errors: { 403: 'a scope narrower than the city (the policy applies to the whole city)' },
    },
    async (req, res) => {
      const body = parseInput(slaPolicy, req.body, 'body');
      res.json(await deps.sla.put(ctxOf(req), body, requestMeta(req)));
    },
  );
}
