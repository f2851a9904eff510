/**
 * The built-in basemap's style: a dark MapLibre style (version 8) for the command centre, its
 * GeoJSON sources all on the hub (basemap-sources.ts, and the railway layer). No glyphs and no
 * sprite: MapLibre draws the Chinese labels with the browser's own fonts, so the style needs
 * nothing from outside the hub.
 */
import type { LayerSpecification, StyleSpecification } from '@maplibre/maplibre-gl-style-spec';
import { API_PREFIX } from '@shared/api';
import { basemapSourcePath } from '@shared/map';

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
