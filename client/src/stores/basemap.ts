/**
 * The basemap under our layers: the hub's map settings, which style to draw (the configured
 * MAP_STYLE_URL if it loads, else the hub's built-in offline style with a visible notice, else a
 * plain dark background: the layers still draw) and the coordinate system that style is drawn in.
 * The desk hands `useMapStyle()` to the map component (map/ fetches nothing itself); the layer
 * store shifts the static layers to `drawnCrs`, and `toDrawn` / `fromDrawn` move a live WGS84
 * point (an incident, a unit, a click) to and from it.
 */
import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import gcoord from 'gcoord';
import type { StyleSpecification } from 'maplibre-gl';
import { API_PREFIX } from '@shared/api';
import { wgs84ToGcj02 } from '@shared/crs';
import { mapConfig, type MapConfig, type MapCrs } from '@shared/map';
import { getJson } from '../api/http';

const STYLE_TIMEOUT_MS = 8_000;

const FALLBACK_STYLE: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#0b1220' } }],
};

const styles = new Map<string, Promise<StyleSpecification>>();
/** A style by URL, fetched once per page (the desk's route prefetches it with the layers); a failure is not kept. */
async function fetchStyle(url: string): Promise<StyleSpecification> {
  let p = styles.get(url);
  if (!p) {
    p = fetchStyleOnce(url);
    styles.set(url, p);
    p.catch(() => styles.delete(url));
  }
  // A copy for each map: MapLibre may change the style object it is given, and the desk can be
  // mounted again later in the same page.
  return structuredClone(await p);
}

/** Start fetching the map settings and the style they name, before the map's code has loaded. */
export function prefetchMapStyle(): void {
  loadMapConfig()
    .then((cfg) => fetchStyle(cfg.styleUrl))
    .catch(() => undefined); // useMapStyle() reports failures when the map asks
}

async function fetchStyleOnce(url: string): Promise<StyleSpecification> {
  const res = await fetch(url, { signal: AbortSignal.timeout(STYLE_TIMEOUT_MS) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const style = (await res.json()) as StyleSpecification;
  if (style?.version !== 8 || !Array.isArray(style.layers)) throw new Error('not a MapLibre style');
  return style;
}

let configPromise: Promise<MapConfig> | null = null;
/** The hub's map settings (style, coordinate system, city bounds), fetched once per page. */
export function loadMapConfig(): Promise<MapConfig> {
  configPromise ??= getJson(`${API_PREFIX}/map/config`, mapConfig).catch((e: unknown) => {
    configPromise = null;
    throw e;
  });
  return configPromise;
}

/**
 * The coordinate system of the basemap actually drawn: gcj02 only when the configured style
 * loaded and is declared GCJ-02; the built-in style is always WGS84. The layer store shifts our
 * WGS84 data to match.
 */
export const drawnCrs = ref<MapCrs>('wgs84');

export function useMapStyle() {
  const { t } = useI18n();
  const notice = ref<string | null>(null);

  async function style(): Promise<StyleSpecification> {
    let cfg: MapConfig;
    try {
      cfg = await loadMapConfig();
    } catch {
      notice.value = t('map.styleFailed');
      return FALLBACK_STYLE;
    }
    if (cfg.styleUrl !== cfg.builtInStyleUrl) {
      try {
        const custom = await fetchStyle(cfg.styleUrl);
        drawnCrs.value = cfg.crs;
        return custom;
      } catch (e) {
        notice.value = t('map.customStyleFailed', { reason: (e as Error).message });
      }
    }
    try {
      return await fetchStyle(cfg.builtInStyleUrl);
    } catch {
      notice.value = t('map.styleFailed');
      return FALLBACK_STYLE;
    }
  }

  return { style, notice };
}

export type LonLat = [number, number];

/** A WGS84 point where the map draws it (GCJ-02 on a Chinese commercial basemap). */
export function toDrawn(p: readonly [number, number]): LonLat {
  return drawnCrs.value === 'gcj02' ? wgs84ToGcj02(p[0], p[1]) : [p[0], p[1]];
}

/** A point clicked on the map, back in WGS84 (what the hub stores). */
export function fromDrawn(p: readonly [number, number]): LonLat {
  if (drawnCrs.value !== 'gcj02') return [p[0], p[1]];
  const [x, y] = gcoord.transform<[number, number]>([p[0], p[1]], gcoord.GCJ02, gcoord.WGS84);
  return [x, y];
}
