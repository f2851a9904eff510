/**
 * Photos of reports over HTTP (rules in services/photo.service.ts): uploads by staff and by citizens
 * (no account, limited per address), and reading one where its incidents lie.
 */
import express, { type RequestHandler } from 'express';
import { MAX_PHOTO_BYTES } from '@shared/incidents';
import { ErrorCode } from '@shared/errors';
import { HttpError } from '../core/http-errors';
import { ctxOf, type ApiRoutes } from '../http/auth';
import type { PhotoService } from '../services/photo.service';
import type { IncidentReadService } from '../services/incidents/incident-read.service';

/** The raw bytes of a photo (up to the limit; a larger one is a 413 that says the limit). */
const rawPhoto: RequestHandler = (req, res, next) => {
  express.raw({ type: () => true, limit: MAX_PHOTO_BYTES })(req, res, (err?: unknown) => {
    if ((err as { type?: string } | undefined)?.type === 'entity.too.large') {
      return next(
        new HttpError(413, ErrorCode.PhotoTooLarge, `the photo is larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MB`),
      );
    }
    next(err);
  });
};

export function photoRoutes(
  api: ApiRoutes,
  deps: { photos: PhotoService; read: IncidentReadService; citizenLimit: RequestHandler },
): void {
  api.add('post', '/photos', { action: 'incident:create' }, rawPhoto, async (req, res) => {
    res
      .status(201)
      .json(await deps.photos.upload(req.get('content-type'), req.body as unknown, ctxOf(req).principal.id));
  });
  api.add('get', '/photos/:id', { action: 'incident:read' }, async (req, res) => {
    const p = await deps.read.photo(ctxOf(req), String(req.params.id));
    res.set('Cache-Control', 'private, max-age=86400').type(p.type).send(p.data);
  });
  api.add('post', '/public/photos', 'public', deps.citizenLimit, rawPhoto, async (req, res) => {
    res.status(201).json(await deps.photos.upload(req.get('content-type'), req.body as unknown, 'citizen'));
  });
}
