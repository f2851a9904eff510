/** The map's settings and the built-in offline basemap over HTTP (logic in basemap.service.ts). */
import type { Request, Response } from 'express';
import { ErrorCode } from '@shared/errors';
import { BASEMAP_SOURCES, isBasemapSource, mapConfig } from '@shared/map';
import { HttpError } from '../core/http-errors';
import type { ApiRoutes } from '../http/auth';
import type { BasemapService, BasemapSourceBody } from '../services/basemap.service';
import { negotiateCoding } from '../services/cached-body';

/** A host header we are willing to write into URLs: host name or [IPv6], optional port. */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function mapRoutes(api: ApiRoutes, deps: { basemap: BasemapService }): void {
  const read = { action: 'world:read' } as const;
  api.add(
    'get',
    '/map/config',
    read,
    {
      summary:
        'The map’s settings: the style to draw and the built-in fallback, the style’s CRS, the city’s bounds and centre.',
      reply: { status: 200, schema: mapConfig, description: 'the map configuration' },
    },
    async (_req, res) => {
      res.set('Cache-Control', 'no-cache').json(await deps.basemap.mapConfig());
    },
  );

  api.add(
    'get',
    '/basemap/style.json',
    read,
    {
      summary: 'The built-in offline basemap’s MapLibre style, its sources pointing back at this hub.',
      reply: { status: 200, description: 'a MapLibre style specification (JSON; not a schema of ours)' },
      errors: { 400: 'no usable Host header to build the style’s URLs' },
    },
    async (req, res) => {
      res.set({ 'Cache-Control': 'no-cache', Vary: 'Host' }).json(await deps.basemap.style(originOf(req)));
    },
  );

  api.add(
    'get',
    '/basemap/:file',
    read,
    {
      summary: `One source of the built-in basemap as GeoJSON (${BASEMAP_SOURCES.map((s) => `${s}.geojson`).join(', ')}).`,
      description:
        'Pre-built and pre-compressed (br/gzip by Accept-Encoding), with a content-hash ETag; X-Feature-Count says how many features.',
      reply: { status: 200, mediaType: 'application/geo+json', description: 'a GeoJSON FeatureCollection' },
      errors: { 304: 'not modified (If-None-Match matched the ETag)', 404: 'no basemap source of that name' },
    },
    async (req, res) => {
      const file = String(req.params.file);
      const name = file.endsWith('.geojson') ? file.slice(0, -'.geojson'.length) : '';
      if (!isBasemapSource(name)) {
        throw new HttpError(
          404,
          ErrorCode.RouteNotFound,
          `no basemap source ${JSON.stringify(file)}; sources: ${BASEMAP_SOURCES.map((s) => `${s}.geojson`).join(', ')}`,
        );
      }
      sendCached(req, res, await deps.basemap.source(name, negotiateCoding(req.get('accept-encoding'))));
    },
  );
}

/** scheme://host[:port] as the browser reached the hub: the style's source URLs point back at it. */
function originOf(req: Request): string {
  const host = req.get('host') ?? '';
  if (!HOST.test(host))
    throw new HttpError(400, ErrorCode.RequestInvalid, 'a Host header is needed to build the style');
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
