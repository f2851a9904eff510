/**
 * Photos of reports over HTTP (rules in services/photo.service.ts): uploads by staff and by citizens
 * (no account, limited per address), and reading one where its incidents lie.
 */
import express, { type RequestHandler } from 'express';
import { MAX_PHOTO_BYTES, PHOTO_TYPES, photoReply } from '@shared/incidents';
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

/** The request body of both uploads, and what they may be refused for. */
const photoBody = {
  mediaType: 'image/*',
  description: `the photo’s bytes (${PHOTO_TYPES.join(', ')}; judged by the bytes, not the Content-Type), at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB`,
};
const photoErrors = {
  400: 'an empty body',
  413: `larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MB`,
  415: 'a Content-Type, or bytes, not of a JPEG, PNG or WebP image',
};

export function photoRoutes(
  api: ApiRoutes,
  deps: { photos: PhotoService; read: IncidentReadService; citizenLimit: RequestHandler },
): void {
  api.add(
    'post',
    '/photos',
    { action: 'incident:create' },
    {
      summary: 'Upload a photo by staff (then name its id in an incident’s photoIds).',
      body: photoBody,
      reply: { status: 201, schema: photoReply, description: 'the photo’s id, type and size' },
      errors: photoErrors,
    },
    rawPhoto,
    async (req, res) => {
      res
        .status(201)
        .json(await deps.photos.upload(req.get('content-type'), req.body as unknown, ctxOf(req).principal.id));
    },
  );
  api.add(
    'get',
    '/photos/:id',
    { action: 'incident:read' },
    {
      summary: 'A photo’s bytes, where one of its incidents lies in the caller’s scope.',
      reply: { status: 200, mediaType: 'image/*', description: `the image (${PHOTO_TYPES.join(', ')})` },
      errors: { 403: 'the photo’s incidents lie outside the scope', 404: 'no photo with that id' },
    },
    async (req, res) => {
      const p = await deps.read.photo(ctxOf(req), String(req.params.id));
      res.set('Cache-Control', 'private, max-age=86400').type(p.type).send(p.data);
    },
  );
  api.add(
    'post',
    '/public/photos',
    'public',
    {
      summary: 'Upload a photo by a citizen, for a report (no account; limited per address).',
      body: photoBody,
      reply: { status: 201, schema: photoReply, description: 'the photo’s id, type and size' },
      errors: { ...photoErrors, 429: 'too many uploads from this address (Retry-After)' },
    },
    deps.citizenLimit,
    rawPhoto,
    async (req, res) => {
      res.status(201).json(await deps.photos.upload(req.get('content-type'), req.body as unknown, 'citizen'));
    },
  );
}
