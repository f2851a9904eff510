/**
 * The hub on both database backends: migrations, the demo city seeded once, data surviving a
 * restart, the summary and the static layers over HTTP (compact and GeoJSON, ETag, compression).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

import { apiFetch, backends, rawGet, startHub, testConfig } from './helpers';
import { decodePacked } from '@shared/packed';
import { worldSummary, layerIndex } from '@shared/api';
import { LAYER_NAMES, PACKED_MEDIA_TYPE } from '@shared/layers';
import { generateDemoCity } from '@server/demo';
import type { Hub } from '@server/app';

describe.each(backends)('hub on $name', (backend) => {
  let cleanup: () => Promise<void>;
  let config: ReturnType<typeof testConfig>;
  let hub: Hub;
  let url: string;
  const expected = generateDemoCity({ scale: 'small', seed: 7 });

  beforeAll(async () => {
    const p = await backend.provision();
    cleanup = p.cleanup;
    config = testConfig(p.config);
    ({ hub, url } = await startHub(config));
  });
  afterAll(async () => {
    await hub?.close();
    await cleanup?.();
  });

  it('is ready and reports every check ok', async () => {
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      ready: true,
      checks: { database: 'ok', migrations: 'ok', demoData: 'ok' },
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('serves a summary whose counts match the generated city', async () => {
    const res = await apiFetch(`${url}/api/v1/world/summary`);
    expect(res.status).toBe(200);
    const s = worldSummary.parse(await res.json());
    expect(s.city.code).toBe('360100');
    expect(s.scale).toBe('small');
    expect(s.counts.cameras).toBe(expected.cameras.length);
    expect(s.counts.camerasOnline).toBe(expected.cameras.filter((c) => c.status === 'online').length);
    expect(s.counts.regions.grid).toBe(expected.regions.filter((r) => r.level === 'grid').length);
    expect(s.counts.zones).toBe(expected.zones.length);
    expect(s.counts.units).toBe(expected.units.length);
    expect(s.districts.reduce((n, d) => n + d.cameras, 0)).toBe(expected.cameras.length);
    expect(s.districts.reduce((n, d) => n + d.grids, 0)).toBe(s.counts.regions.grid);
    expect(s.bbox[0]).toBeLessThan(s.bbox[2]);
  });

  it('serves every layer in the compact form, matching the GeoJSON form', async () => {
    const index = layerIndex.parse(await (await apiFetch(`${url}/api/v1/layers`)).json());
    expect(index.layers.map((l) => l.name)).toEqual([...LAYER_NAMES]);
    for (const info of index.layers) {
      const res = await apiFetch(`${url}${info.compactUrl}`);
      expect(res.status, info.name).toBe(200);
      expect(res.headers.get('content-type')).toContain(PACKED_MEDIA_TYPE);
      const layer = decodePacked(new Uint8Array(await res.arrayBuffer()));
      expect(layer.header.count, info.name).toBe(info.count);
      const gj = (await (await apiFetch(`${url}${info.geojsonUrl}`)).json()) as {
        type: string;
        features: { properties: Record<string, unknown> }[];
      };
      expect(gj.type).toBe('FeatureCollection');
      expect(gj.features.length, info.name).toBe(info.count);
      if (layer.has('id')) expect(layer.strings('id')).toEqual(gj.features.map((f) => f.properties.id));
      if (layer.has('code')) expect(layer.strings('code')).toEqual(gj.features.map((f) => f.properties.code));
    }
  });

  it('decodes camera positions and attributes exactly as stored', async () => {
    const layer = decodePacked(new Uint8Array(await (await apiFetch(`${url}/api/v1/layers/cameras`)).arrayBuffer()));
    const ids = layer.strings('id');
    const pos = layer.numeric('position');
    const kinds = layer.strings('kind');
    const byId = new Map(expected.cameras.map((c) => [c.id, c]));
    expect(ids.length).toBe(expected.cameras.length);
    ids.forEach((id, i) => {
      const c = byId.get(id);
      expect(c, id).toBeDefined();
      expect(pos[2 * i]).toBeCloseTo(c!.position[0], 5);
      expect(pos[2 * i + 1]).toBeCloseTo(c!.position[1], 5);
      expect(kinds[i]).toBe(c!.kind);
    });
  });

  it('revalidates with ETag and compresses by Accept-Encoding', async () => {
    // node:http, not fetch: fetch adds Cache-Control: no-cache to conditional requests (as the
    // Fetch spec says), which rightly defeats revalidation; a browser's own cache does not.
    const first = await rawGet(`${url}/api/v1/layers/grids`, { 'accept-encoding': 'gzip' });
    expect(first.status).toBe(200);
    expect(first.headers['content-encoding']).toBe('gzip');
    const etag = first.headers.etag;
    expect(etag).toMatch(/^".+"$/);
    const raw = await rawGet(`${url}/api/v1/layers/grids`, { 'accept-encoding': 'identity' });
    expect(raw.headers['content-encoding']).toBeUndefined();
    expect(raw.headers.etag).toBe(etag);
    expect(gunzipSync(first.body).equals(raw.body)).toBe(true);
    const br = await rawGet(`${url}/api/v1/layers/grids`, { 'accept-encoding': 'gzip, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(raw.body)).toBe(true);
    const again = await rawGet(`${url}/api/v1/layers/grids`, {
      'if-none-match': etag as string,
      'accept-encoding': 'br',
    });
    expect(again.status).toBe(304);
    expect(again.body.byteLength).toBe(0);
    const stale = await rawGet(`${url}/api/v1/layers/grids`, { 'if-none-match': '"something-else"' });
    expect(stale.status).toBe(200);
  });

  it('answers bad requests with a coded error, never a 500', async () => {
    const missing = await apiFetch(`${url}/api/v1/layers/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'layer/not-found' } });
    const route = await apiFetch(`${url}/api/v1/no-such-thing`);
    expect(route.status).toBe(404);
    expect(await route.json()).toMatchObject({ error: { code: 'route/not-found' } });
    const bad = await apiFetch(`${url}/api/v1/world/summary`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"oops":',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'request/malformed-json' } });
  });

  it('keeps its data across a restart and does not seed again', async () => {
    const before = (await hub.services().world.provenance())!;
    const { database } = hub.services();
    const cameraName = 'restart-check 重启校验';
    // Write through the database, restart, read back.
    await database.db.execute(`update cameras set name = '${cameraName}' where id = '${expected.cameras[0]!.id}'`);
    await hub.close();
    ({ hub, url } = await startHub(config));
    const after = (await hub.services().world.provenance())!;
    expect(after.seededAt).toBe(before.seededAt);
    const layer = decodePacked(new Uint8Array(await (await apiFetch(`${url}/api/v1/layers/cameras`)).arrayBuffer()));
    const i = layer.strings('id').indexOf(expected.cameras[0]!.id);
    expect(layer.strings('name')[i]).toBe(cameraName);
    const s = worldSummary.parse(await (await apiFetch(`${url}/api/v1/world/summary`)).json());
    expect(s.counts.cameras).toBe(expected.cameras.length);
  });
});
