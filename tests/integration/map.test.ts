/**
 * The map settings and the built-in basemap on both database backends: /api/v1/map/config with
 * the defaults and with MAP_STYLE_URL + MAP_CRS, a valid style whose every source is on the hub
 * and answers with GeoJSON, ETag revalidation and compression, and a database seeded before the
 * basemap existed getting it on its next start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { brotliDecompressSync } from 'node:zlib';
import { validateStyleMin, type StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import { count } from 'drizzle-orm';
import { pino } from 'pino';
import { apiFetch, backends, rawGet, startHub, testConfig } from './helpers';
import { createApp, type Hub } from '@server/app';
import { basemapFeatures } from '@server/db/schema';
import { generateDemoCity } from '@server/demo';
import { worldSummary } from '@shared/api';
import { BUILT_IN_STYLE_URL, mapConfig } from '@shared/map';

describe.each(backends)('map on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let storage: Partial<ReturnType<typeof testConfig>>;
  let hub: Hub | undefined;
  let url: string;
  const expected = generateDemoCity({ scale: 'small', seed: 7 });

  beforeAll(async () => {
    const p = await backend.provision({ seeded: true });
    cleanup = p.cleanup;
    storage = p.config;
    ({ hub, url } = await startHub(testConfig(storage)));
  });
  afterAll(async () => {
    await hub?.close();
    await cleanup?.();
  });

  it('map config: the built-in style in WGS84, the city bounds and centre', async () => {
    const res = await apiFetch(`${url}/api/v1/map/config`);
    expect(res.status).toBe(200);
    const cfg = mapConfig.parse(await res.json());
    const summary = worldSummary.parse(await (await apiFetch(`${url}/api/v1/world/summary`)).json());
    expect(cfg).toEqual({
      styleUrl: BUILT_IN_STYLE_URL,
      builtInStyleUrl: '/api/v1/basemap/style.json',
      crs: 'wgs84',
      bounds: summary.bbox,
      center: summary.city.center,
    });
  });

  it('serves a valid dark style whose every source is on the hub and answers with GeoJSON', async () => {
    const res = await apiFetch(`${url}${BUILT_IN_STYLE_URL}`);
    expect(res.status).toBe(200);
    const style = (await res.json()) as StyleSpecification;
    expect(validateStyleMin(style)).toEqual([]);
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    const sources = Object.entries(style.sources);
    expect(sources.length).toBeGreaterThanOrEqual(7);
    for (const [id, src] of sources) {
      const data = (src as { data?: unknown }).data;
      expect(typeof data, id).toBe('string');
      expect(new URL(data as string).origin, id).toBe(url);
      const r = await apiFetch(data as string);
      expect(r.status, id).toBe(200);
      expect(r.headers.get('content-type'), id).toMatch(/^application\/geo\+json/);
      const fc = (await r.json()) as { type: string; features: { geometry: { type: string } }[] };
      expect(fc.type, id).toBe('FeatureCollection');
      expect(fc.features.length, id).toBeGreaterThan(0);
    }
  });

  it('the water, road and green sources hold the generated basemap', async () => {
    for (const [source, kind] of [
      ['water', 'water'],
      ['roads', 'road'],
      ['green', 'green'],
    ] as const) {
      const fc = (await (await apiFetch(`${url}/api/v1/basemap/${source}.geojson`)).json()) as {
        features: { properties: { id: string } }[];
      };
      expect(fc.features.map((f) => f.properties.id).sort(), source).toEqual(
        expected.basemap
          .filter((f) => f.kind === kind)
          .map((f) => f.id)
          .sort(),
      );
    }
  });

  it('revalidates a source with its ETag and compresses it by Accept-Encoding', async () => {
    const first = await rawGet(`${url}/api/v1/basemap/roads.geojson`, { 'accept-encoding': 'br' });
    expect(first.status).toBe(200);
    expect(first.headers['content-encoding']).toBe('br');
    const etag = first.headers.etag;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const plain = await rawGet(`${url}/api/v1/basemap/roads.geojson`, { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(brotliDecompressSync(first.body).equals(plain.body)).toBe(true);
    expect(plain.headers.etag).toBe(etag);
    const again = await rawGet(`${url}/api/v1/basemap/roads.geojson`, {
      'if-none-match': etag as string,
      'accept-encoding': 'br',
    });
    expect(again.status).toBe(304);
    expect(again.body.byteLength).toBe(0);
  });

  it('answers 404 with an error body for an unknown source', async () => {
    const res = await apiFetch(`${url}/api/v1/basemap/rivers.geojson`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('route/not-found');
  });

  it('a database seeded without a basemap gets it on the next start; MAP_STYLE_URL and MAP_CRS reach the config', async () => {
    await hub!.services().database.db.delete(basemapFeatures);
    expect(await hub!.services().database.db.select({ n: count() }).from(basemapFeatures)).toEqual([{ n: 0 }]);
    await hub!.close();
    hub = undefined;

    ({ hub, url } = await startHub(
      testConfig({ ...storage, mapStyleUrl: 'https://tiles.example.cn/styles/dark.json', mapCrs: 'gcj02' }),
    ));
    const fc = (await (await apiFetch(`${url}/api/v1/basemap/water.geojson`)).json()) as { features: unknown[] };
    expect(fc.features).toHaveLength(expected.basemap.filter((f) => f.kind === 'water').length);
    const cfg = mapConfig.parse(await (await apiFetch(`${url}/api/v1/map/config`)).json());
    expect(cfg.styleUrl).toBe('https://tiles.example.cn/styles/dark.json');
    expect(cfg.builtInStyleUrl).toBe(BUILT_IN_STYLE_URL);
    expect(cfg.crs).toBe('gcj02');
    // The browser may fetch the style and its tiles from that server.
    const csp = (await apiFetch(`${url}/api/v1/map/config`)).headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/connect-src [^;]*https:\/\/tiles\.example\.cn/);
    // The city itself was kept, not seeded again.
    const summary = worldSummary.parse(await (await apiFetch(`${url}/api/v1/world/summary`)).json());
    expect(summary.counts.cameras).toBe(expected.cameras.length);
  });
});

describe('map before the hub is ready', () => {
  it('answers 503 service/not-ready', async () => {
    // A database that refuses connections: the hub serves, but never becomes ready.
    const hub = createApp(testConfig({ databaseUrl: 'postgres://nobody@127.0.0.1:9/none' }), {
      logger: pino({ level: 'silent' }),
    });
    const addr = await hub.listen();
    try {
      for (const path of ['/api/v1/map/config', BUILT_IN_STYLE_URL, '/api/v1/basemap/water.geojson']) {
        const res = await fetch(`http://127.0.0.1:${addr.port}${path}`);
        expect(res.status, path).toBe(503);
        expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe('service/not-ready');
      }
    } finally {
      await hub.close();
    }
  });
});
