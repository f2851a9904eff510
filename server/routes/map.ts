/** The map's settings and the built-in offline basemap over HTTP (logic in basemap.service.ts). */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { ErrorCode } from '../../shared/errors';
import { BASEMAP_SOURCES, isBasemapSource } from '../../shared/map';
import { HttpError } from '../http-errors';
import type { ReadinessState } from '../readiness';
import type { BasemapService, BasemapSourceBody } from '../services/basemap.service';
import { negotiateCoding } from '../services/cached-body';

/** A host header we are willing to write into URLs: host name or [IPv6], optional port. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function mapRoutes(deps: { basemap: BasemapService; readiness: ReadinessState }): Router {
  const r = Router();
  const requireReady: RequestHandler = (_req, _res, next) => {
    next(deps.readiness.ready ? undefined : new HttpError(503, ErrorCode.ServiceNotReady, 'the hub is still starting (see /readyz)'));
  };
  r.use(['/map', '/basemap'], requireReady);

  r.get('/map/config', async (_req, res) => {
    res.set('Cache-Control', 'no-cache').json(await deps.basemap.mapConfig());
  });

  r.get('/basemap/style.json', async (req, res) => {
    res.set({ 'Cache-Control': 'no-cache', Vary: 'Host' }).json(await deps.basemap.style(originOf(req)));
  });

  r.get('/basemap/:file', async (req, res) => {
    const file = req.params.file;
    const name = file.endsWith('.geojson') ? file.slice(0, -'.geojson'.length) : '';
    if (!isBasemapSource(name)) {
      throw new HttpError(404, ErrorCode.RouteNotFound, `no basemap source ${JSON.stringify(file)}; sources: ${BASEMAP_SOURCES.map((s) => `${s}.geojson`).join(', ')}`);
    }
    sendCached(req, res, await deps.basemap.source(name, negotiateCoding(req.get('accept-encoding'))));
  });
  return r;
}

/** scheme://host[:port] as the browser reached the hub: the style's source URLs point back at it. */
function originOf(req: Request): string {
  const host = req.get('host') ?? '';
  if (!HOST.test(host)) throw new HttpError(400, ErrorCode.RequestInvalid, 'a Host header is needed to build the style');
  return `${req.protocol}://${host}`;
}

/** A pre-built body with its content-hash ETag: 304 when the client has it, else the body in its encoding. */
function sendCached(req: Request, res: Response, entry: BasemapSourceBody): void {
  res.set({
    ETag: entry.etag,
    'Cache-Control': 'no-cache',
    Vary: 'Accept-Encoding',
    'Content-Type': entry.contentType,
    'X-Feature-Count': String(entry.count),
  });
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  if (entry.coding !== 'identity') res.set('Content-Encoding', entry.coding);
  res.send(entry.body);
}
