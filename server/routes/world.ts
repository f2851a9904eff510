/** The static world over HTTP: the city summary, the layer index, and each layer in two forms. */
import { ErrorCode } from '@shared/errors';
import { API_PREFIX, type LayerIndex } from '@shared/api';
import { isLayerName, LAYER_NAMES } from '@shared/layers';
import { HttpError } from '../core/http-errors';
import { ctxOf, type ApiRoutes } from '../http/auth';
import type { WorldService } from '../services/world.service';
import { negotiateCoding, type LayerFormat, type LayerService } from '../services/layer.service';

/** Everything here is filtered to the caller's region scope (see LayerService.get). */
export function worldRoutes(api: ApiRoutes, deps: { world: WorldService; layers: LayerService }): void {
  const read = { action: 'world:read' } as const;

  api.add('get', '/world/summary', read, async (req, res) => {
    res
      .set({ 'Cache-Control': 'no-cache, private', Vary: 'Cookie' })
      .json(await deps.world.summary(ctxOf(req).principal.scope));
  });

  api.add('get', '/layers', read, async (req, res) => {
    const scope = ctxOf(req).principal.scope;
    const layers: LayerIndex['layers'] = [];
    for (const name of LAYER_NAMES) {
      layers.push({
        name,
        count: await deps.layers.count(name, scope),
        compactUrl: `${API_PREFIX}/layers/${name}`,
        geojsonUrl: `${API_PREFIX}/layers/${name}.geojson`,
      });
    }
    res.set({ 'Cache-Control': 'no-cache, private', Vary: 'Cookie' }).json({ layers } satisfies LayerIndex);
  });

  api.add('get', '/layers/:file', read, async (req, res) => {
    const file = String(req.params.file);
    const [name, format]: [string, LayerFormat] = file.endsWith('.geojson')
      ? [file.slice(0, -'.geojson'.length), 'geojson']
      : [file, 'compact'];
    if (!isLayerName(name)) {
      throw new HttpError(
        404,
        ErrorCode.LayerNotFound,
        `no layer named ${JSON.stringify(name)}; layers: ${LAYER_NAMES.join(', ')}`,
      );
    }
    const coding = negotiateCoding(req.get('accept-encoding'));
    const layer = await deps.layers.get(name, format, coding, ctxOf(req).principal.scope);
    res.set({
      ETag: layer.etag,
      // private: a shared cache must not hand one scope's layer to another.
      'Cache-Control': 'no-cache, private',
      Vary: 'Accept-Encoding, Cookie',
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
}
