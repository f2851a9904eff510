/**
 * The field units over HTTP (rules in services/incidents/dispatch.service.ts): the live units of a
 * scope and their trails (unit-trail.service.ts), a field member's home page (their assignments),
 * their phone's positions.
 */
import { positionBody } from '@shared/incidents';
import { parseInput } from '../core/http-errors';
import { ctxOf, type ApiRoutes } from '../http/auth';
import type { DispatchService } from '../services/incidents/dispatch.service';
import type { UnitTrailService } from '../services/incidents/unit-trail.service';

export function fieldRoutes(api: ApiRoutes, deps: { dispatch: DispatchService; trails: UnitTrailService }): void {
  api.add('get', '/units', { action: 'world:read' }, async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ units: await deps.dispatch.liveUnits(ctxOf(req).principal) });
  });
  api.add('get', '/units/trails', { action: 'world:read' }, async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await deps.trails.trails(ctxOf(req).principal));
  });
  api.add('get', '/field/home', { action: 'incident:field' }, async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await deps.dispatch.fieldHome(ctxOf(req)));
  });
  api.add('post', '/field/position', { action: 'incident:field' }, async (req, res) => {
    const body = parseInput(positionBody, req.body, 'body');
    await deps.dispatch.position(ctxOf(req), body);
    res.status(204).end();
  });
}
