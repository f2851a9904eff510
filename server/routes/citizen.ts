/**
 * Citizens over HTTP, no account (rules in services/incidents/citizen.service.ts): a report, its
 * status by tracking code, the rating; the place of a QR code's region. Writes are limited per address.
 */
import type { RequestHandler } from 'express';
import { citizenReportBody, ratingBody } from '@shared/incidents';
import { regionCode } from '@shared/auth';
import { parseInput } from '../core/http-errors';
import { requestMeta, type ApiRoutes } from '../http/auth';
import type { CitizenService } from '../services/incidents/citizen.service';
import type { WorldService } from '../services/world.service';

export function citizenRoutes(
  api: ApiRoutes,
  deps: { citizens: CitizenService; world: WorldService; citizenLimit: RequestHandler },
): void {
  api.add('post', '/public/reports', 'public', deps.citizenLimit, async (req, res) => {
    const body = parseInput(citizenReportBody, req.body, 'body');
    res.status(201).json(await deps.citizens.report(body, requestMeta(req)));
  });
  api.add('get', '/public/reports/:code', 'public', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await deps.citizens.status(String(req.params.code)));
  });
  api.add('post', '/public/reports/:code/rating', 'public', deps.citizenLimit, async (req, res) => {
    const body = parseInput(ratingBody, req.body, 'body');
    res.json(await deps.citizens.rate(String(req.params.code), body, requestMeta(req)));
  });
  api.add('get', '/public/regions/:code', 'public', async (req, res) => {
    const code = parseInput(regionCode, req.params.code, 'params');
    res.set('Cache-Control', 'public, max-age=3600').json({ code, ...(await deps.world.regionPlace(code)) });
  });
}
