/** Wall presets and what a wall shows now (issue 17): thin handlers over services/wall.service.ts. */
import { z } from 'zod';
import { wallPreset, wallPresetBody, wallState } from '@shared/wall';
import { parseInput } from '../core/http-errors';
import { ctxOf, requestMeta, type ApiRoutes } from '../http/auth';
import type { WallService } from '../services/wall.service';

const idParam = z.strictObject({ id: z.string() });

export function wallRoutes(api: ApiRoutes, deps: { wall: WallService }): void {
  api.add(
    'get',
    '/wall',
    { action: 'world:read' },
    {
      summary: 'What this wall shows now: the default preset, or the preset of a major event open in its scope.',
      reply: { status: 200, schema: wallState, description: 'the preset and why' },
    },
    async (req, res) => {
      res.set('Cache-Control', 'no-store').json(await deps.wall.state(ctxOf(req)));
    },
  );
  api.add(
    'get',
    '/wall/presets',
    { action: 'world:read' },
    {
      summary: 'The wall presets.',
      reply: { status: 200, schema: z.object({ presets: z.array(wallPreset) }), description: 'the presets' },
    },
    async (req, res) => {
      res.set('Cache-Control', 'no-store').json({ presets: await deps.wall.list(ctxOf(req)) });
    },
  );
  api.add(
    'put',
    '/wall/presets/:id',
    { action: 'admin:manage' },
    {
      summary: 'Create or replace a wall preset (city-wide admins; audited).',
      body: wallPresetBody,
      reply: { status: 200, schema: wallPreset, description: 'the preset as stored' },
      errors: {
        400: 'an id not of 1-40 lowercase letters, digits and dashes; a field named (an unknown panel, a panel twice, a time out of range)',
        403: 'a scope narrower than the city (presets serve the whole city)',
      },
    },
    async (req, res) => {
      const { id } = parseInput(idParam, req.params, 'params');
      const body = parseInput(wallPresetBody, req.body, 'body');
      res.json(await deps.wall.put(ctxOf(req), id, body, requestMeta(req)));
    },
  );
  api.add(
    'delete',
    '/wall/presets/:id',
    { action: 'admin:manage' },
    {
      summary: 'Delete a wall preset (not the default, nor one a major event names; audited).',
      reply: { status: 204, description: 'deleted' },
      errors: {
        403: 'a scope narrower than the city',
        404: 'no wall preset with that id',
        409: 'the default preset, or one a major event names',
      },
    },
    async (req, res) => {
      const { id } = parseInput(idParam, req.params, 'params');
      await deps.wall.remove(ctxOf(req), id, requestMeta(req));
      res.status(204).end();
    },
  );
}
