/** The static world over HTTP: the city summary, the layer index, and each layer in two forms. */
import { ErrorCode } from '@shared/errors';
import { API_PREFIX, layerIndex, worldSummary, type LayerIndex } from '@shared/api';
import { isLayerName, LAYER_NAMES, PACKED_MEDIA_TYPE } from '@shared/layers';
import { HttpError } from '../core/http-errors';
import { ctxOf, type ApiRoutes } from '../http/auth';
import type { WorldService } from '../services/world.service';
import { negotiateCoding, type LayerFormat, type LayerService } from '../services/layer.service';

/** Everything here is filtered to the caller's region scope (see LayerService.get). */
export function worldRoutes(api: ApiRoutes, deps: { world: WorldService; layers: LayerService }): void {
  const read = { action: 'world:read' } as const;

  api.add(
    'get',
    '/world/summary',
    read,
    {
      summary: 'The city summary of the caller’s scope: counts per kind, per district.',
      reply: { status: 200, schema: worldSummary, description: 'the summary' },
    },
    async (req, res) => {
      res
        .set({ 'Cache-Control': 'no-cache, private', Vary: 'Cookie' })
        .json(await deps.world.summary(ctxOf(req).principal.scope));
    },
  );

  api.add(
    'get',
    '/layers',
    read,
    {
      summary: 'The layer index: each layer’s count in the caller’s scope and its two URLs.',
      reply: { status: 200, schema: layerIndex, description: 'the layers' },
    },
    async (req, res) => {
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
    },
  );

  api.add(
    'get',
    '/layers/:file',
    read,
    {
      summary: `One layer of the caller’s scope: /layers/<name> compact columnar, /layers/<name>.geojson GeoJSON (${LAYER_NAMES.join(', ')}).`,
      description:
        'Built off-thread, pre-compressed (br/gzip by Accept-Encoding), with a content-hash ETag; X-Feature-Count says how many features. The compact codec: shared/packed.ts.',
      reply: {
        status: 200,
        mediaType: PACKED_MEDIA_TYPE,
        description: 'the layer in the compact columnar form (shared/packed.ts)',
        alternatives: [
          { mediaType: 'application/geo+json', description: '/layers/<name>.geojson: a GeoJSON FeatureCollection' },
        ],
      },
      errors: { 304: 'not modified (If-None-Match matched the ETag)', 404: 'no layer of that name' },
    },
    async (req, res) => {
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
    },
  );
}
