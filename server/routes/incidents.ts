/**
 * Incidents over HTTP (rules in incident.service.ts): the desk's list and detail, creating, acting,
 * proposals, merging, disputes; the field page; photos; citizens' reports (no account); QR codes.
 */
import express, { type RequestHandler } from 'express';
import { z } from 'zod';
import QRCode from 'qrcode';
import {
  citizenReportBody,
  createIncidentBody,
  incidentActionBody,
  incidentListQuery,
  mediationBody,
  positionBody,
  ratingBody,
  MAX_PHOTO_BYTES,
} from '../../shared/incidents';
import { slaPolicy } from '../../shared/sla';
import { regionCode } from '../../shared/auth';
import { ErrorCode } from '../../shared/errors';
import { HttpError, parseInput } from '../http-errors';
import { ctxOf, requestMeta, type ApiRoutes } from '../auth/http';
import { authorize } from '../auth/policy';
import type { IncidentService } from '../services/incident.service';
import type { PhotoService } from '../services/photo.service';
import type { WorldService } from '../services/world.service';

const attachBody = z.strictObject({
  alarmId: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(64),
  version: z.number({ error: 'must be the version you saw (a number)' }).int().min(1),
});

/** The raw bytes of a photo (up to the limit; a larger one is a 413 that says the limit). */
const rawPhoto: RequestHandler = (req, res, next) => {
  express.raw({ type: () => true, limit: MAX_PHOTO_BYTES })(req, res, (err?: unknown) => {
    if ((err as { type?: string } | undefined)?.type === 'entity.too.large') {
      return next(new HttpError(413, ErrorCode.PhotoTooLarge, `the photo is larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MB`));
    }
    next(err);
  });
};

export function incidentRoutes(api: ApiRoutes, deps: { incidents: IncidentService; photos: PhotoService; world: WorldService; citizenLimit: RequestHandler }): void {
  const id = (p: unknown) => String(p);

  api.add('get', '/incidents', { action: 'incident:read' }, async (req, res) => {
    const q = parseInput(incidentListQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await deps.incidents.list(ctxOf(req), q));
  });
  api.add('post', '/incidents', { action: 'incident:create' }, async (req, res) => {
    const body = parseInput(createIncidentBody, req.body, 'body');
    const { detail, created } = await deps.incidents.create(ctxOf(req), body, requestMeta(req));
    res.status(created ? 201 : 200).json(detail);
  });
  api.add('post', '/incidents/from-alarm/:alarmId', { action: 'incident:dispatch' }, async (req, res) => {
    const { detail, created } = await deps.incidents.fromAlarm(ctxOf(req), id(req.params.alarmId), requestMeta(req));
    res.status(created ? 201 : 200).json(detail);
  });
  api.add('get', '/incidents/:id', { action: 'incident:read' }, async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await deps.incidents.detail(ctxOf(req), id(req.params.id)));
  });
  api.add('post', '/incidents/:id/actions', { action: 'incident:act' }, async (req, res) => {
    const body = parseInput(incidentActionBody, req.body, 'body');
    res.json(await deps.incidents.act(ctxOf(req), id(req.params.id), body, requestMeta(req)));
  });
  api.add('post', '/incidents/:id/alarms', { action: 'incident:dispatch' }, async (req, res) => {
    const body = parseInput(attachBody, req.body, 'body');
    res.json(await deps.incidents.attachAlarm(ctxOf(req), id(req.params.id), body.alarmId, body.version, requestMeta(req)));
  });
  api.add('post', '/incidents/:id/mediations', { action: 'incident:dispatch' }, async (req, res) => {
    const body = parseInput(mediationBody, req.body, 'body');
    res.json(await deps.incidents.mediate(ctxOf(req), id(req.params.id), body, requestMeta(req)));
  });
  api.add('get', '/incidents/:id/proposal', { action: 'incident:read' }, async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await deps.incidents.proposal(ctxOf(req), id(req.params.id)));
  });
  api.add('get', '/incidents/:id/merge-candidates', { action: 'incident:read' }, async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ candidates: await deps.incidents.mergeCandidates(ctxOf(req), id(req.params.id)) });
  });

  api.add('get', '/sla', { action: 'incident:read' }, async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await deps.incidents.slaPolicy());
  });
  api.add('put', '/sla', { action: 'admin:manage' }, async (req, res) => {
    const body = parseInput(slaPolicy, req.body, 'body');
    res.json(await deps.incidents.putSlaPolicy(ctxOf(req), body, requestMeta(req)));
  });

  api.add('get', '/units', { action: 'world:read' }, async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ units: await deps.incidents.liveUnits(ctxOf(req).principal) });
  });
  api.add('get', '/field/home', { action: 'incident:field' }, async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await deps.incidents.fieldHome(ctxOf(req)));
  });
  api.add('post', '/field/position', { action: 'incident:field' }, async (req, res) => {
    const body = parseInput(positionBody, req.body, 'body');
    await deps.incidents.position(ctxOf(req), body);
    res.status(204).end();
  });

  api.add('post', '/photos', { action: 'incident:create' }, rawPhoto, async (req, res) => {
    res.status(201).json(await deps.photos.upload(req.get('content-type'), req.body as unknown, ctxOf(req).principal.id));
  });
  api.add('get', '/photos/:id', { action: 'incident:read' }, async (req, res) => {
    // Where the photo lies (its incidents' regions) before its bytes are read.
    await deps.incidents.checkPhoto(ctxOf(req), id(req.params.id));
    const p = await deps.photos.get(id(req.params.id));
    res.set('Cache-Control', 'private, max-age=86400').type(p.type).send(p.data);
  });

  api.add('get', '/regions/:code/qr.svg', { action: 'world:read' }, async (req, res) => {
    const code = parseInput(regionCode, req.params.code, 'params');
    authorize(ctxOf(req).principal, 'world:read', code);
    if (code.length !== 12 && code.length !== 15) throw new HttpError(400, ErrorCode.RequestInvalid, 'params.code: QR codes are made for communities (12 digits) and grids (15 digits)');
    await deps.world.regionName(code);
    const url = `${req.protocol}://${req.get('host')}/report?region=${code}`;
    res.type('image/svg+xml').set('Cache-Control', 'private, max-age=3600').send(await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }));
  });

  // ---- citizens: no account, limited per address
  api.add('post', '/public/photos', 'public', deps.citizenLimit, rawPhoto, async (req, res) => {
    res.status(201).json(await deps.photos.upload(req.get('content-type'), req.body as unknown, 'citizen'));
  });
  api.add('post', '/public/reports', 'public', deps.citizenLimit, async (req, res) => {
    const body = parseInput(citizenReportBody, req.body, 'body');
    res.status(201).json(await deps.incidents.citizenReport(body, requestMeta(req)));
  });
  api.add('get', '/public/reports/:code', 'public', async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await deps.incidents.citizenStatus(id(req.params.code)));
  });
  api.add('post', '/public/reports/:code/rating', 'public', deps.citizenLimit, async (req, res) => {
    const body = parseInput(ratingBody, req.body, 'body');
    res.json(await deps.incidents.rate(id(req.params.code), body, requestMeta(req)));
  });
  api.add('get', '/public/regions/:code', 'public', async (req, res) => {
    const code = parseInput(regionCode, req.params.code, 'params');
    res.set('Cache-Control', 'public, max-age=3600').json({ code, ...(await deps.world.regionPlace(code)) });
  });
}
