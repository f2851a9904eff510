/**
 * The field units over HTTP (rules in services/incidents/dispatch.service.ts): the live units of a
 * scope and their trails (unit-trail.service.ts), a field member's home page (their assignments),
 * their phone's positions.
 */
import { z } from 'zod';
import { fieldHome, positionBody, unitLive } from '@shared/incidents';
import { unitTrailsReply } from '@shared/trails';
import { parseInput } from '../core/http-errors';
import { ctxOf, type ApiRoutes } from '../http/auth';
import type { DispatchService } from '../services/incidents/dispatch.service';
import type { UnitTrailService } from '../services/incidents/unit-trail.service';

export function fieldRoutes(api: ApiRoutes, deps: { dispatch: DispatchService; trails: UnitTrailService }): void {
  api.add(
    'get',
    '/units',
    { action: 'world:read' },
    {
      summary: 'The live units of the caller’s scope: status, position, assignment.',
      reply: { status: 200, schema: z.object({ units: z.array(unitLive) }), description: 'the units' },
    },
    async (req, res) => {
      res.set('Cache-Control', 'no-store').json({ units: await deps.dispatch.liveUnits(ctxOf(req).principal) });
    },
  );
  api.add(
    'get',
    '/units/trails',
    { action: 'world:read' },
    {
      summary: 'Where the units in the caller’s scope were in the last 15 minutes (points at least 10 s apart).',
      reply: {
        status: 200,
        schema: unitTrailsReply,
        description: 'per unit its path [lon, lat, …] and each point’s age in s',
      },
    },
    async (req, res) => {
      res.set('Cache-Control', 'no-store').json(await deps.trails.trails(ctxOf(req).principal));
    },
  );
  api.add(
    'get',
    '/field/home',
    { action: 'incident:field' },
    {
      summary: 'A field member’s home page: their unit and its assignments.',
      reply: { status: 200, schema: fieldHome, description: 'the unit and its open assignments' },
      errors: { 403: 'this account belongs to no field unit' },
    },
    async (req, res) => {
      res.set('Cache-Control', 'no-store').json(await deps.dispatch.fieldHome(ctxOf(req)));
    },
  );
  api.add(
    'post',
    '/field/position',
    { action: 'incident:field' },
    {
      summary: 'The field phone’s position (moves the unit on every map).',
      body: positionBody,
      reply: { status: 204, description: 'stored' },
      errors: { 403: 'this account belongs to no field unit' },
    },
    async (req, res) => {
      const body = parseInput(positionBody, req.body, 'body');
      await deps.dispatch.position(ctxOf(req), body);
      res.status(204).end();
    },
  );
}
