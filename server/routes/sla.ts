/** The SLA policy over HTTP (rules in services/incidents/sla-policy.service.ts): read it, and a city-wide admin changes it. */
import { slaPolicy } from '@shared/sla';
import { parseInput } from '../core/http-errors';
import { ctxOf, requestMeta, type ApiRoutes } from '../http/auth';
import type { SlaPolicyService } from '../services/incidents/sla-policy.service';

export function slaRoutes(api: ApiRoutes, deps: { sla: SlaPolicyService }): void {
  api.add('get', '/sla', { action: 'incident:read' }, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await deps.sla.get());
  });
  api.add('put', '/sla', { action: 'admin:manage' }, async (req, res) => {
    const body = parseInput(slaPolicy, req.body, 'body');
    res.json(await deps.sla.put(ctxOf(req), body, requestMeta(req)));
  });
}
