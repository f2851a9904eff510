/**
 * The built-in basemap's GeoJSON sources, read from the database and built on the calling thread
 * (the build thread runs this too, build-worker.js): the city outline, water, roads, green space,
 * district and street borders (each shared edge once, chained into lines), and labels.
 */
import type { WorldRepository } from '../repositories/world.repository';
import { geojsonText } from './cached-body';
import type { BuiltBody } from './build-thread';
import type { BasemapSource } from '@shared/map';
import type { LonLat, MultiPolygon } from '@shared/world';

interface Feature {
  type: 'Feature';
  geometry: { type: string; coordinates: unknown };
  properties: Record<string, string | number | null>;
}
/** One basemap source as GeoJSON, read and built on the calling thread (the build thread runs this too). */
export async function buildBasemapSource(repo: WorldRepository, name: BasemapSource): Promise<BuiltBody> {
  const t0 = performance.now();
  const features = await basemapFeatures(repo, name);
  const t1 = performance.now();
  const raw = Buffer.from(geojsonText(features));
  return {
    raw,
    contentType: 'application/geo+json',
    count: features.length,
    readMs: t1 - t0,
    encodeMs: performance.now() - t1,
  };
}

async function basemapFeatures(repo: WorldRepository, name: BasemapSource): Promise<Feature[]> {
  switch (name) {
    case 'land':
      return (await repo.regionsAt('city')).map((r) => feature('MultiPolygon', r.boundary, { name: r.name }));
    case 'water':
    case 'roads':
    case 'green': {
      const kind = name === 'roads' ? 'road' : name;
      const rows = (await repo.basemap()).filter((f) => f.kind === kind);
      return rows.map((f) =>
        feature(f.geometry.type, f.geometry.coordinates, { id: f.id, class: f.class, name: f.name }),
      );
    }
    case 'boundaries': {
      const [districts, streets] = await Promise.all([repo.regionsAt('district'), repo.regionsAt('street')]);
      const districtEdges = sharedEdges(districts.map((d) => d.boundary));
      const streetEdges = sharedEdges(streets.map((s) => s.boundary));
      for (const key of districtEdges.keys()) streetEdges.delete(key);
      return [
        ...chainEdges(districtEdges).map((line) => feature('LineString', line, { level: 'district' })),
        ...chainEdges(streetEdges).map((line) => feature('LineString', line, { level: 'street' })),
      ];
    }
    case 'labels': {
      const [districts, streets] = await Promise.all([repo.regionsAt('district'), repo.regionsAt('street')]);
      return [
        ...districts.map((r) =>
          feature('Point', [r.centerLon, r.centerLat], { level: 'district', code: r.code, name: r.name }),
        ),
        ...streets.map((r) =>
          feature('Point', [r.centerLon, r.centerLat], { level: 'street', code: r.code, name: r.name }),
        ),
      ];
    }
  }
}

function feature(type: string, coordinates: unknown, properties: Feature['properties']): Feature {
  return { type: 'Feature', geometry: { type, coordinates }, properties };
}

// ---------------------------------------------------------------------------------------------
// Borders: each edge between two regions once, chained into lines
// ---------------------------------------------------------------------------------------------

const pointKey = (p: LonLat): string => `${p[0]},${p[1]}`;

/**
 * The edges two of the regions share (each once, whatever its direction), keyed by their two
 * end points. Regions traced from one lattice share their vertices exactly, so a shared edge is
 * the same pair of coordinates on both sides; edges on the outline belong to one region only and
 * are left out (the land layer draws the outline). Drawing each border once keeps a dashed line
 * dashed: two overlaid copies out of phase would look solid.
 */
export function sharedEdges(regions: readonly MultiPolygon[]): Map<string, [LonLat, LonLat]> {
  const seen = new Map<string, { edge: [LonLat, LonLat]; n: number }>();
  for (const mp of regions) {
    for (const poly of mp) {
      for (const ring of poly) {
        for (let i = 0; i + 1 < ring.length; i++) {
          const a = ring[i]!;
          const b = ring[i + 1]!;
          const ka = pointKey(a);
          const kb = pointKey(b);
          const key = ka < kb ? `${ka};${kb}` : `${kb};${ka}`;
          const e = seen.get(key);
          if (e) e.n++;
          else seen.set(key, { edge: [a, b], n: 1 });
        }
      }
    }
  }
  const out = new Map<string, [LonLat, LonLat]>();
  for (const [key, e] of seen) if (e.n >= 2) out.set(key, e.edge);
  return out;
}

/** Chain edges into the fewest lines: walks run between junctions (or the ends of a border), and closed loops come out as closed lines. */
export function chainEdges(edges: Map<string, [LonLat, LonLat]>): LonLat[][] {
  const adj = new Map<string, { to: LonLat; key: string }[]>();
  const point = new Map<string, LonLat>();
  for (const [key, [a, b]] of edges) {
    const ka = pointKey(a);
    const kb = pointKey(b);
    point.set(ka, a);
    point.set(kb, b);
    if (!adj.has(ka)) adj.set(ka, []);
    if (!adj.has(kb)) adj.set(kb, []);
    adj.get(ka)!.push({ to: b, key });
    adj.get(kb)!.push({ to: a, key });
  }
  const used = new Set<string>();
  const lines: LonLat[][] = [];
  const walk = (start: string) => {
    for (const first of adj.get(start)!) {
      if (used.has(first.key)) continue;
      used.add(first.key);
      const line: LonLat[] = [point.get(start)!, first.to];
      let at = pointKey(first.to);
      while (adj.get(at)!.length === 2) {
        const next = adj.get(at)!.find((e) => !used.has(e.key));
        if (!next) break;
        used.add(next.key);
        line.push(next.to);
        at = pointKey(next.to);
      }
      lines.push(line);
    }
  };
  // Junctions and ends first, then what is left: loops with no junction on them.
  for (const [k, list] of adj) if (list.length !== 2) walk(k);
  for (const k of adj.keys()) walk(k);
  return lines;
}
