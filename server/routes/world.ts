/** The static world over HTTP: the city summary, the layer index, and each layer in two forms. */
import { Router, type RequestHandler } from 'express';
import { ErrorCode } from '../../shared/errors';
import { API_PREFIX, type LayerIndex } from '../../shared/api';
import { isLayerName, LAYER_NAMES } from '../../shared/layers';
import { HttpError } from '../http-errors';
import type { ReadinessState } from '../readiness';
import type { WorldService } from '../services/world.service';
import { negotiateCoding, type LayerFormat, type LayerService } from '../services/layer.service';

export function worldRoutes(deps: { world: WorldService; layers: LayerService; readiness: ReadinessState }): Router {
  const r = Router();
  const requireReady: RequestHandler = (_req, _res, next) => {
    next(deps.readiness.ready ? undefined : new HttpError(503, ErrorCode.ServiceNotReady, 'the hub is still starting (see /readyz)'));
  };
  r.use(requireReady);

  r.get('/world/summary', async (_req, res) => {
    res.set('Cache-Control', 'no-cache').json(await deps.world.summary());
  });

  r.get('/layers', async (_req, res) => {
    const layers: LayerIndex['layers'] = [];
    for (const name of LAYER_NAMES) {
      layers.push({
        name,
        count: await deps.layers.count(name),
        compactUrl: `${API_PREFIX}/layers/${name}`,
        geojsonUrl: `${API_PREFIX}/layers/${name}.geojson`,
      });
    }
    res.set('Cache-Control', 'no-cache').json({ layers } satisfies LayerIndex);
  });

  r.get('/layers/:file', async (req, res) => {
    const file = req.params.file;
    const [name, format]: [string, LayerFormat] = file.endsWith('.geojson') ? [file.slice(0, -'.geojson'.length), 'geojson'] : [file, 'compact'];
    if (!isLayerName(name)) {
      throw new HttpError(404, ErrorCode.LayerNotFound, `no layer named ${JSON.stringify(name)}; layers: ${LAYER_NAMES.join(', ')}`);
    }
    const coding = negotiateCoding(req.get('accept-encoding'));
    const layer = await deps.layers.get(name, format, coding);
    res.set({
      ETag: layer.etag,
      'Cache-Control': 'no-cache',
      Vary: 'Accept-Encoding',
      'Content-Type': layer.contentType,
      'X-Feature-Count': String(layer.count),
    });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    if (layer.coding !== 'identity') res.set('Content-Encoding', layer.coding);
    res.send(layer.body);
  });
  return r;
}
