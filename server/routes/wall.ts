/** Wall presets and what a wall shows now (issue 17): thin handlers over services/wall.service.ts. */
import { z } from 'zod';
import { wallPresetBody } from '@shared/wall';
import { parseInput } from '../core/http-errors';
import { ctxOf, requestMeta, type ApiRoutes } from '../http/auth';
import type { WallService } from '../services/wall.service';

const idParam = z.strictObject({ id: z.string() });

export function wallRoutes(api: ApiRoutes, deps: { wall: WallService }): void {
  api.add('get', '/wall', { action: 'world:read' }, async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await deps.wall.state(ctxOf(req)));
  });
  api.add('get', '/wall/presets', { action: 'world:read' }, async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ presets: await deps.wall.list(ctxOf(req)) });
  });
  api.add('put', '/wall/presets/:id', { action: 'admin:manage' }, async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'params');
    const body = parseInput(wallPresetBody, req.body, 'body');
    res.json(await deps.wall.put(ctxOf(req), id, body, requestMeta(req)));
  });
  api.add('delete', '/wall/presets/:id', { action: 'admin:manage' }, async (req, res) => {
    const { id } = parseInput(idParam, req.params, 'params');
    await deps.wall.remove(ctxOf(req), id, requestMeta(req));
    res.status(204).end();
  });
}
