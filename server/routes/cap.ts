/**
 * OASIS CAP 1.2 over HTTP (issue 18; the rules in shared/cap.ts, the reads in cap.service.ts): the
 * Atom index of the scope's current messages, and one message per alarm or incident. Access
 * `cap:read` (integration keys and every reading role); the caller's scope bounds everything, and an
 * object outside it is the same 404 as one that does not exist.
 *
 * Decided here: links are absolute, built from the Host the caller used (checked against a strict
 * pattern, else the links are relative to the API root); every reply carries a content-hash ETag and
 * `Cache-Control: no-cache` (a poller asks with If-None-Match and gets 304 while nothing changed).
 */
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { ATOM_MEDIA_TYPE, CAP_FEED_LIMIT, CAP_MEDIA_TYPE } from '@shared/cap';
import { ctxOf, type ApiRoutes } from '../http/auth';
import type { CapLinks, CapService } from '../services/cap.service';

/** A host header we are willing to write into URLs: host name or [IPv6], optional port (as map.ts). */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const TAGS = ['CAP'];
const NOT_FOUND = 'no such object in the caller’s scope (an object outside the scope is answered the same)';

export function capRoutes(api: ApiRoutes, deps: { cap: CapService }): void {
  const access = { action: 'cap:read' } as const;

  api.add(
    'get',
    '/cap/alerts.atom',
    access,
    {
      summary: 'The Atom 1.0 index of the current CAP 1.2 messages in the caller’s scope.',
      description:
        `Open alarms and incidents, and those that ended in the last 24 h (as their Cancel or final Update), newest first, at most ${CAP_FEED_LIMIT}. ` +
        'Each entry links (rel alternate, application/cap+xml) to the object’s message. ETag and Cache-Control: no-cache: ask with If-None-Match.',
      reply: { status: 200, mediaType: 'application/atom+xml', description: 'an Atom feed (RFC 4287)' },
      errors: { 304: 'unchanged since the ETag sent in If-None-Match' },
      tags: TAGS,
    },
    async (req, res) => {
      const base = apiBase(req);
      const links: CapLinks = {
        self: `${base}/cap/alerts.atom`,
        alarm: (id) => `${base}/cap/alarms/${encodeURIComponent(id)}.xml`,
        incident: (id) => `${base}/cap/incidents/${encodeURIComponent(id)}.xml`,
      };
      send(req, res, ATOM_MEDIA_TYPE, await deps.cap.feed(ctxOf(req).principal, links));
    },
  );

  api.add(
    'get',
    '/cap/alarms/:id.xml',
    access,
    {
      summary: 'An alarm’s current state as one OASIS CAP 1.2 alert message.',
      description:
        'msgType Alert for its first version, Update after, Cancel once marked false or expired; references name the Alert.',
      reply: { status: 200, mediaType: 'application/cap+xml', description: 'a CAP 1.2 <alert>' },
      errors: { 404: NOT_FOUND },
      tags: TAGS,
    },
    async (req, res) => {
      send(req, res, CAP_MEDIA_TYPE, await deps.cap.alarm(ctxOf(req).principal, String(req.params.id)));
    },
  );

  api.add(
    'get',
    '/cap/incidents/:id.xml',
    access,
    {
      summary: 'An incident’s current state as one OASIS CAP 1.2 alert message.',
      description:
        'msgType Alert for version 1, Update after (a final one when closed), Cancel once cancelled or merged; references name the Alert.',
      reply: { status: 200, mediaType: 'application/cap+xml', description: 'a CAP 1.2 <alert>' },
      errors: { 404: NOT_FOUND },
      tags: TAGS,
    },
    async (req, res) => {
      send(req, res, CAP_MEDIA_TYPE, await deps.cap.incident(ctxOf(req).principal, String(req.params.id)));
    },
  );
}

/** The API root as the caller reached it: absolute when the Host is sane, else relative. */
function apiBase(req: Request): string {
  const host = req.get('host') ?? '';
  return HOST.test(host) ? `${req.protocol}://${host}${req.baseUrl}` : req.baseUrl;
}

function send(req: Request, res: Response, type: string, body: string): void {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  res.set({ 'Content-Type': type, ETag: etag, 'Cache-Control': 'no-cache', Vary: 'Host' });
  // The ETag alone decides (req.fresh would say no to a poller that also sends Cache-Control: no-cache).
  const sent = req.get('if-none-match');
  if (sent && sent.split(/\s*,\s*/).some((t) => t === '*' || t.replace(/^W\//, '') === etag)) {
    res.status(304).end();
    return;
  }
  res.send(body);
}
