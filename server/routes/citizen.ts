/**
 * Citizens over HTTP, no account (rules in services/incidents/citizen.service.ts): a report, its
 * status by tracking code, the rating; the place of a QR code's region. Writes are limited per address.
 */
import type { RequestHandler } from 'express';
import { citizenReportBody, citizenReportReply, citizenStatus, publicRegion, ratingBody } from '@shared/incidents';
import { regionCode } from '@shared/auth';
import { parseInput } from '../core/http-errors';
import { requestMeta, type ApiRoutes } from '../http/auth';
import type { CitizenService } from '../services/incidents/citizen.service';
import type { WorldService } from '../services/world.service';

export function citizenRoutes(
  api: ApiRoutes,
  deps: { citizens: CitizenService; world: WorldService; citizenLimit: RequestHandler },
): void {
  api.add(
    'post',
    '/public/reports',
    'public',
    {
      summary: 'A citizen reports a problem (no account; limited per address).',
      body: citizenReportBody,
      reply: {
        status: 201,
        schema: citizenReportReply,
        description: 'the tracking code to follow the report by, and the incident’s code',
      },
      errors: {
        400: 'body.regionCode: no such region; body.location outside the city; body.photoIds: a photo not uploaded',
        429: 'too many reports from this address (Retry-After)',
      },
    },
    deps.citizenLimit,
    async (req, res) => {
      const body = parseInput(citizenReportBody, req.body, 'body');
      res.status(201).json(await deps.citizens.report(body, requestMeta(req)));
    },
  );
  api.add(
    'get',
    '/public/reports/:code',
    'public',
    {
      summary: 'A report’s status by its tracking code (nothing personal).',
      reply: { status: 200, schema: citizenStatus, description: 'the status, its steps and whether it may be rated' },
      errors: { 404: 'no report with that tracking code' },
    },
    async (req, res) => {
      res.set('Cache-Control', 'no-store').json(await deps.citizens.status(String(req.params.code)));
    },
  );
  api.add(
    'post',
    '/public/reports/:code/rating',
    'public',
    {
      summary: 'The citizen rates how the report was handled, once it is resolved.',
      body: ratingBody,
      reply: { status: 200, schema: citizenStatus, description: 'the report’s status with the rating' },
      errors: {
        404: 'no report with that tracking code',
        409: 'not resolved yet, or rated already',
        429: 'too many requests from this address (Retry-After)',
      },
    },
    deps.citizenLimit,
    async (req, res) => {
      const body = parseInput(ratingBody, req.body, 'body');
      res.json(await deps.citizens.rate(String(req.params.code), body, requestMeta(req)));
    },
  );
  api.add(
    'get',
    '/public/regions/:code',
    'public',
    {
      summary: 'The name and centre of a region (a QR code’s community or grid, for the report page).',
      reply: { status: 200, schema: publicRegion, description: 'code, name, centre' },
      errors: { 404: 'no region with that code' },
    },
    async (req, res) => {
      const code = parseInput(regionCode, req.params.code, 'params');
      res.set('Cache-Control', 'public, max-age=3600').json({ code, ...(await deps.world.regionPlace(code)) });
    },
  );
}
