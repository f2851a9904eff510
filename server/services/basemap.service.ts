/**
 * The map's settings and the built-in offline basemap: a dark MapLibre style (version 8) for the
 * command centre, and its GeoJSON sources built once from the database (the city outline, water,
 * roads, green space, district and street borders, labels), cached with an ETag and compressed
 * once per encoding like the static layers (cached-body.ts). Railways come from the railway layer
 * the hub already serves. No glyphs and no sprite: MapLibre draws the Chinese labels with the
 * browser's own fonts, so the style needs nothing from outside the hub. Sources are built on the
 * build thread when the hub has one (build-thread.ts): the roads and the borders are tens of
 * thousands of coordinates to walk and serialise, which held the main thread.
 */
import type { Logger } from 'pino';
import type { LayerSpecification, StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import type { WorldRepository } from '../repositories/world.repository';
import type { WorldService } from './world.service';
import { BuildCache, CompressedBody, geojsonText, type ContentCoding } from './cached-body';
import { BuildThreadClosedError, type BuildThread, type BuiltBody } from './build-thread';
import { API_PREFIX } from '@shared/api';
import { basemapSourcePath, BUILT_IN_STYLE_URL, type BasemapSource, type MapConfig, type MapCrs } from '@shared/map';
import type { LonLat, MultiPolygon } from '@shared/world';

export interface MapSettings {
  /** MAP_STYLE_URL: another style for the basemap; undefined for the built-in one. */
  styleUrl: string | undefined;
  /** MAP_CRS: coordinate system of that style's tiles. */
  crs: MapCrs;
}

export interface BasemapSourceBody {
  etag: string;
  contentType: string;
  count: number;
  body: Buffer;
  coding: ContentCoding;
}

interface Feature {
  type: 'Feature';
  geometry: { type: string; coordinates: unknown };
  properties: Record<string, string | number | null>;
}

export class BasemapService {
  private readonly cache = new BuildCache<{ body: CompressedBody; count: number }>();

  constructor(
    private readonly repo: WorldRepository,
    private readonly world: WorldService,
    private readonly settings: MapSettings,
    private readonly log: Logger,
    /** Where source builds run; without one (or when it fails), on this thread. */
    private readonly builds?: BuildThread,
  ) {
    if (!settings.styleUrl && settings.crs !== 'wgs84') {
      log.warn(
        { crs: settings.crs },
        'MAP_CRS applies to the tiles of MAP_STYLE_URL, which is not set: the built-in basemap is WGS84, so the map uses wgs84',
      );
    }
  }

  /** What the client needs to set up the map: style, its CRS, and where the city is. */
  async mapConfig(): Promise<MapConfig> {
    const [provenance, city] = await Promise.all([this.world.provenance(), this.repo.city()]);
    const bounds = provenance?.bbox ?? [0, 0, 0, 0];
    return {
      styleUrl: this.settings.styleUrl ?? BUILT_IN_STYLE_URL,
      builtInStyleUrl: BUILT_IN_STYLE_URL,
      crs: this.settings.styleUrl ? this.settings.crs : 'wgs84',
      bounds,
      center: city ? [city.centerLon, city.centerLat] : [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2],
    };
  }

  /** The built-in style, its sources on `origin` (scheme://host:port of the hub, as the browser sees it). */
  async style(origin: string): Promise<StyleSpecification> {
    const city = await this.repo.city();
    return buildBasemapStyle(origin, {
      name: city?.name ?? '',
      center: city ? [city.centerLon, city.centerLat] : undefined,
    });
  }

  async source(name: BasemapSource, coding: ContentCoding): Promise<BasemapSourceBody> {
    const entry = await this.cache.get(name, () => this.build(name));
    return {
      etag: entry.body.etag,
      contentType: entry.body.contentType,
      count: entry.count,
      body: await entry.body.body(coding),
      coding,
    };
  }

  /** Drop the built sources (after the basemap changed). */
  invalidate(): void {
    this.cache.clear();
  }

  private async build(name: BasemapSource): Promise<{ body: CompressedBody; count: number }> {
    let built: BuiltBody | undefined;
    if (this.builds) {
      built = await this.builds.build({ kind: 'basemap', name }).catch((e: unknown) => {
        // Closing: drop it. Otherwise the thread failed: build here rather than not at all.
        if (e instanceof BuildThreadClosedError) throw e;
        this.log.warn({ err: e, source: name }, 'the build thread failed; building the basemap source here');
        return undefined;
      });
    }
    built ??= await buildBasemapSource(this.repo, name);
    this.log.debug(
      {
        source: name,
        features: built.count,
        bytes: built.raw.byteLength,
        ms: Math.round(built.readMs + built.encodeMs),
      },
      'basemap source built',
    );
    return { body: new CompressedBody(built.raw, built.contentType), count: built.count };
  }
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

// ---------------------------------------------------------------------------------------------
// The style
// ---------------------------------------------------------------------------------------------

/**
 * Font stacks for labels. With no `glyphs` URL, MapLibre GL JS (5.11+) draws text locally and
 * reads a stack as a CSS font-family list (the weight from the first name), so these name the
 * usual CJK system fonts; `sans-serif` ends every list anyway.
 */
const FONT = ['Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', 'sans-serif'];
const FONT_BOLD = ['Noto Sans CJK SC Bold', ...FONT];

/** The dark command-centre palette. */
const C = {
  background: '#060b14',
  land: '#0c1626',
  green: '#0f2a22',
  water: '#0b2f52',
  waterLine: '#124170',
  districtBorder: '#5b7fae',
  streetBorder: '#33506f',
  railBase: '#3a4556',
  railTie: '#9aa6b8',
  motorway: '#8a6a2e',
  primary: '#2c4461',
  secondary: '#1c2d42',
  label: '#9db2c9',
  labelMajor: '#cfdcec',
  labelWater: '#4d8cc2',
  halo: '#060b14',
};

/** Width by zoom, growing exponentially like a road's real width on screen. */
function widthByZoom(stops: [number, number][]): ['interpolate', ['exponential', number], ['zoom'], ...number[]] {
  return ['interpolate', ['exponential', 1.5], ['zoom'], ...stops.flat()];
}

/**
 * The built-in style. `origin` is scheme://host[:port] of the hub: GeoJSON sources need absolute
 * URLs (MapLibre fetches them from its worker), and they all point back at the hub.
 */
export function buildBasemapStyle(
  origin: string,
  opts: { name?: string; center?: [number, number] | undefined } = {},
): StyleSpecification {
  const url = (path: string) => `${origin}${path}`;
  const geojson = (path: string) => ({
    type: 'geojson' as const,
    data: url(path),
    attribution: '演示城市底图 (demo city)',
  });
  const textLayout = (size: unknown, font = FONT) => ({
    'text-field': ['get', 'name'],
    'text-font': font,
    'text-size': size,
  });
  const textPaint = (color: string) => ({
    'text-color': color,
    'text-halo-color': C.halo,
    'text-halo-width': 1.4,
    'text-halo-blur': 0.5,
  });

  const layers = [
    { id: 'background', type: 'background', paint: { 'background-color': C.background } },
    { id: 'land', type: 'fill', source: 'land', paint: { 'fill-color': C.land } },
    {
      id: 'green',
      type: 'fill',
      source: 'green',
      minzoom: 9,
      paint: { 'fill-color': C.green, 'fill-opacity': ['interpolate', ['linear'], ['zoom'], 9, 0.5, 12, 0.9] },
    },
    {
      id: 'water',
      type: 'fill',
      source: 'water',
      filter: ['in', ['get', 'class'], ['literal', ['river', 'lake']]],
      paint: { 'fill-color': C.water, 'fill-outline-color': C.waterLine },
    },
    // The river's centre line, where the river itself is under a pixel wide.
    {
      id: 'waterway',
      type: 'line',
      source: 'water',
      maxzoom: 11,
      filter: ['==', ['get', 'class'], 'waterway'],
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': C.water, 'line-width': ['interpolate', ['linear'], ['zoom'], 6, 1, 11, 2] },
    },
    {
      id: 'boundary-street',
      type: 'line',
      source: 'boundaries',
      minzoom: 11.5,
      filter: ['==', ['get', 'level'], 'street'],
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': C.streetBorder,
        'line-width': ['interpolate', ['linear'], ['zoom'], 11.5, 0.6, 16, 1.2],
        'line-dasharray': [3, 3],
      },
    },
    {
      id: 'boundary-district',
      type: 'line',
      source: 'boundaries',
      filter: ['==', ['get', 'level'], 'district'],
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': C.districtBorder,
        'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1, 14, 2.2],
        'line-dasharray': [4, 2.5],
      },
    },
    {
      id: 'road-secondary',
      type: 'line',
      source: 'roads',
      minzoom: 10,
      filter: ['==', ['get', 'class'], 'secondary'],
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': C.secondary,
        'line-width': widthByZoom([
          [10, 0.5],
          [13, 1.8],
          [16, 6],
          [18, 14],
        ]),
      },
    },
    {
      id: 'road-primary',
      type: 'line',
      source: 'roads',
      minzoom: 8,
      filter: ['==', ['get', 'class'], 'primary'],
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': C.primary,
        'line-width': widthByZoom([
          [8, 0.6],
          [12, 2.2],
          [16, 9],
          [18, 20],
        ]),
      },
    },
    {
      id: 'road-motorway',
      type: 'line',
      source: 'roads',
      filter: ['==', ['get', 'class'], 'motorway'],
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': C.motorway,
        'line-width': widthByZoom([
          [7, 0.8],
          [11, 2.2],
          [16, 11],
          [18, 24],
        ]),
      },
    },
    // Railways: a grey bed with light dashes across it, the usual hatched look.
    {
      id: 'railway',
      type: 'line',
      source: 'railways',
      paint: { 'line-color': C.railBase, 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1.5, 16, 5] },
    },
    {
      id: 'railway-hatch',
      type: 'line',
      source: 'railways',
      minzoom: 10,
      paint: {
        'line-color': C.railTie,
        'line-width': ['interpolate', ['linear'], ['zoom'], 10, 1, 16, 3],
        'line-dasharray': [0.6, 2.4],
      },
    },
    {
      id: 'label-water-lake',
      type: 'symbol',
      source: 'water',
      minzoom: 11,
      filter: ['==', ['get', 'class'], 'lake'],
      layout: { ...textLayout(['interpolate', ['linear'], ['zoom'], 11, 11, 16, 15]), 'symbol-placement': 'point' },
      paint: textPaint(C.labelWater),
    },
    {
      id: 'label-water-river',
      type: 'symbol',
      source: 'water',
      minzoom: 9,
      filter: ['==', ['get', 'class'], 'waterway'],
      layout: {
        ...textLayout(['interpolate', ['linear'], ['zoom'], 9, 12, 16, 17]),
        'symbol-placement': 'line',
        'symbol-spacing': 500,
        'text-letter-spacing': 0.6,
        'text-max-angle': 30,
      },
      paint: textPaint(C.labelWater),
    },
    {
      id: 'label-road-minor',
      type: 'symbol',
      source: 'roads',
      minzoom: 14,
      filter: ['==', ['get', 'class'], 'secondary'],
      layout: { ...textLayout(12), 'symbol-placement': 'line', 'symbol-spacing': 350, 'text-max-angle': 40 },
      paint: textPaint(C.label),
    },
    {
      id: 'label-road-major',
      type: 'symbol',
      source: 'roads',
      minzoom: 12,
      filter: ['in', ['get', 'class'], ['literal', ['motorway', 'primary']]],
      layout: {
        ...textLayout(['interpolate', ['linear'], ['zoom'], 12, 11, 16, 14]),
        'symbol-placement': 'line',
        'symbol-spacing': 400,
        'text-max-angle': 40,
      },
      paint: textPaint(C.label),
    },
    {
      id: 'label-street',
      type: 'symbol',
      source: 'labels',
      minzoom: 12,
      filter: ['==', ['get', 'level'], 'street'],
      layout: { ...textLayout(['interpolate', ['linear'], ['zoom'], 12, 12, 16, 15]), 'text-padding': 4 },
      paint: textPaint(C.label),
    },
    {
      id: 'label-district',
      type: 'symbol',
      source: 'labels',
      maxzoom: 14,
      filter: ['==', ['get', 'level'], 'district'],
      layout: {
        ...textLayout(['interpolate', ['linear'], ['zoom'], 8, 13, 13, 18], FONT_BOLD),
        'text-letter-spacing': 0.2,
      },
      paint: textPaint(C.labelMajor),
    },
  ] as LayerSpecification[];

  return {
    version: 8,
    name: `${opts.name ?? ''}指挥中心底图`,
    metadata: { 'cmd-dispatch:builtIn': true, 'cmd-dispatch:crs': 'wgs84' },
    ...(opts.center ? { center: opts.center, zoom: 10 } : {}),
    sources: {
      land: geojson(basemapSourcePath('land')),
      water: geojson(basemapSourcePath('water')),
      roads: geojson(basemapSourcePath('roads')),
      green: geojson(basemapSourcePath('green')),
      boundaries: geojson(basemapSourcePath('boundaries')),
      labels: geojson(basemapSourcePath('labels')),
      railways: geojson(`${API_PREFIX}/layers/railways.geojson`),
    },
    layers,
  };
}
